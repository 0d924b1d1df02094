package dev.perch.shared.settings;

import java.util.List;

/** A module's runtime-changeable settings; every such bean is picked up by the configuration API. */
public interface SettingsContributor {

	List<Setting<?>> settings();

}
