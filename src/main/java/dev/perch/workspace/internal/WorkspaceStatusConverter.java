package dev.perch.workspace.internal;

import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

import dev.perch.workspace.WorkspaceStatus;

/** Lets {@code ?status=running} bind in any letter case. */
@Component
public class WorkspaceStatusConverter implements Converter<String, WorkspaceStatus> {

	@Override
	public WorkspaceStatus convert(String source) {
		return WorkspaceStatus.parse(source.strip());
	}

}
