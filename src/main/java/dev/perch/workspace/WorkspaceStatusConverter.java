package dev.perch.workspace;

import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

/** Lets {@code ?status=running} bind in any letter case. */
@Component
class WorkspaceStatusConverter implements Converter<String, WorkspaceStatus> {

	@Override
	public WorkspaceStatus convert(String source) {
		return WorkspaceStatus.parse(source.strip());
	}

}
