package dev.perch.workspace.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import dev.perch.shared.web.ApiException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceFilesTests {

	private final WorkspaceFiles files = new WorkspaceFiles(new Binder(new MapConfigurationPropertySource(
			Map.of("perch.workspaces.root", "/srv/ws"))).bindOrCreate("perch.workspaces", WorkspaceProperties.class),
			Clock.systemUTC());

	@Test
	void acceptsUsualGitAddresses() {
		for (String url : List.of("https://github.com/o/r.git", "ssh://git@host/o/r", "git@github.com:o/r.git",
				"git://host/r")) {
			assertThatNoException().as(url).isThrownBy(() -> files.checkRepository(url));
		}
	}

	@Test
	void refusesOptionsHelpersAndOtherSchemes() {
		for (String url : List.of("--upload-pack=touch /tmp/x", "ext::sh -c id", "file:///etc", "/etc",
				"http://host/r", "https://", "https://host/r\nx", "fd::17")) {
			assertThatThrownBy(() -> files.checkRepository(url)).as(url).isInstanceOf(ApiException.class);
		}
	}

	@Test
	void namesTheCloneAfterTheRepository() {
		assertThat(WorkspaceFiles.repositoryDirectory("https://github.com/o/perch.git")).isEqualTo("perch");
		assertThat(WorkspaceFiles.repositoryDirectory("git@github.com:o/tools/")).isEqualTo("tools");
		assertThat(WorkspaceFiles.repositoryDirectory("https://host/..")).isEqualTo("repository");
	}

	@Test
	void keepsWorkingDirectoriesInsideTheHome() {
		assertThat(files.checkWorkingDirectory("src/../app")).isEqualTo("app");
		assertThat(files.checkWorkingDirectory(".")).isNull();
		for (String bad : List.of("../other", "/etc", "a/../../b")) {
			assertThatThrownBy(() -> files.checkWorkingDirectory(bad)).as(bad).isInstanceOf(ApiException.class);
		}
	}

	@Test
	void placesEveryWorkspaceUnderTheRoot() {
		assertThat(files.home("demo")).isEqualTo(Path.of("/srv/ws/demo/home"));
		assertThat(files.logFile("demo")).isEqualTo(Path.of("/srv/ws/demo/workspace.log"));
	}

}
