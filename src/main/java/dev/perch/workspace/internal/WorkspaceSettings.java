package dev.perch.workspace.internal;

import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.perch.shared.settings.PortRange;
import dev.perch.shared.settings.Setting;
import dev.perch.shared.settings.SettingType;
import dev.perch.shared.settings.SettingsContributor;

/** The workspace settings a user may change while Perch runs; defaults come from {@link WorkspaceProperties}. */
@Component
public class WorkspaceSettings implements SettingsContributor {

	public final Setting<String> defaultRuntime;

	public final Setting<String> defaultImage;

	public final Setting<PortRange> ports;

	public final Setting<Duration> execDefaultTimeout;

	public final Setting<Duration> execMaxTimeout;

	public WorkspaceSettings(WorkspaceProperties properties) {
		this.defaultRuntime = new Setting<>("workspaces.default-runtime", SettingType.string(16, "local|docker"),
				properties::defaultRuntime, "Runtime of a workspace created without one: local or docker.");
		this.defaultImage = new Setting<>("workspaces.default-image",
				SettingType.string(255, "[a-zA-Z0-9][a-zA-Z0-9._/:@-]*"), properties::defaultImage,
				"Image of a docker workspace created without one.");
		this.ports = new Setting<>("workspaces.ports", SettingType.portRange(), properties::ports,
				"Host ports handed out to port forwards that name none, bound to 127.0.0.1.");
		this.execDefaultTimeout = new Setting<>("workspaces.exec.default-timeout",
				SettingType.duration(Duration.ofSeconds(1), Duration.ofHours(1)), () -> properties.exec().defaultTimeout(),
				"Timeout of a command run with exec that names none.");
		this.execMaxTimeout = new Setting<>("workspaces.exec.max-timeout",
				SettingType.duration(Duration.ofSeconds(1), Duration.ofHours(6)), () -> properties.exec().maxTimeout(),
				"The largest timeout an exec may ask for.");
	}

	@Override
	public List<Setting<?>> settings() {
		return List.of(defaultRuntime, defaultImage, ports, execDefaultTimeout, execMaxTimeout);
	}

}
