package dev.perch.workspace.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.perch.shared.settings.PortRange;

/**
 * Workspaces.
 *
 * @param root the directory that holds one directory per workspace (its home and log)
 * @param defaultRuntime runtime of a workspace created without one ({@code local} or {@code docker})
 * @param defaultImage image of a docker workspace created without one
 * @param ports host ports handed out to port forwards without an explicit host port
 * @param exec limits of {@code POST /workspaces/{name}/exec}
 * @param cloneTimeout bound of the {@code git clone} of a new workspace's repository
 * @param repositorySchemes URL schemes a repository may use ({@code file} is off by default: it reads host paths)
 * @param docker the Docker engine
 */
@ConfigurationProperties("perch.workspaces")
public record WorkspaceProperties(Path root,
		@DefaultValue("local") String defaultRuntime, @DefaultValue("debian:12") String defaultImage,
		@DefaultValue("20000-20999") PortRange ports, @DefaultValue Exec exec,
		@DefaultValue("5m") Duration cloneTimeout, @DefaultValue({ "https", "ssh", "git" }) List<String> repositorySchemes,
		@DefaultValue Docker docker) {

	/**
	 * @param defaultTimeout timeout of a command that names none
	 * @param maxTimeout the largest timeout a command may ask for
	 * @param maxOutput cap of each of stdout and stderr
	 */
	public record Exec(@DefaultValue("30s") Duration defaultTimeout, @DefaultValue("10m") Duration maxTimeout,
			@DefaultValue("1MB") DataSize maxOutput) {
	}

	/**
	 * @param socket the engine's unix socket
	 * @param home where the workspace home is mounted inside the container
	 * @param command the container's main process, which keeps it running
	 * @param apiTimeout bound of one engine API call (not of followed logs or exec)
	 * @param network the network containers join: {@code bridge} (the default; published ports are bound to
	 * 127.0.0.1), another network of the engine, or {@code host}, where a container shares the host's
	 * network and so reaches servers on the host's 127.0.0.1 (port forwards are then not needed: a port
	 * the container listens on is a host port)
	 * @param stopTimeout how long a stopping container gets to exit after TERM before the engine kills it
	 */
	public record Docker(@DefaultValue("/var/run/docker.sock") Path socket, @DefaultValue("/home/workspace") String home,
			@DefaultValue({ "/bin/sh", "-c", "trap 'exit 0' TERM INT; echo workspace started; while :; do sleep 3600 & wait $!; done" }) List<String> command,
			@DefaultValue("30s") Duration apiTimeout, @DefaultValue("bridge") String network,
			@DefaultValue("5s") Duration stopTimeout) {
	}

}
