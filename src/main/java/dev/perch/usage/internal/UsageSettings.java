package dev.perch.usage.internal;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.perch.shared.settings.Setting;
import dev.perch.shared.settings.SettingType;
import dev.perch.shared.settings.SettingsContributor;
import dev.perch.usage.UsageProperties;

/** The usage settings a user may change while Perch runs; defaults come from {@link UsageProperties}. */
@Component
public class UsageSettings implements SettingsContributor {

	public final Setting<Duration> retention;

	public final Setting<ZoneId> timeZone;

	public final Setting<Boolean> collectEnabled;

	public final Setting<Duration> collectInterval;

	public UsageSettings(UsageProperties properties) {
		this.retention = new Setting<>("usage.retention", SettingType.duration(Duration.ofDays(1), Duration.ofDays(36_500)),
				properties::retention, "Usage records older than this are deleted by the retention job.");
		this.timeZone = new Setting<>("usage.time-zone", zone(), properties::timeZone,
				"Time zone of usage summaries that name none (days, weeks and months follow it).");
		this.collectEnabled = new Setting<>("usage.collect.enabled", SettingType.bool(),
				() -> properties.collect().enabled(), "Collect usage from every workspace's agent files.");
		this.collectInterval = new Setting<>("usage.collect.interval",
				SettingType.duration(Duration.ofSeconds(10), Duration.ofDays(1)), () -> properties.collect().interval(),
				"How often usage is collected from agent files when collection is enabled.");
	}

	@Override
	public List<Setting<?>> settings() {
		return List.of(retention, timeZone, collectEnabled, collectInterval);
	}

	static SettingType<ZoneId> zone() {
		return new SettingType<>() {
			public String name() {
				return "time-zone";
			}

			public ZoneId parse(Object json) {
				if (json instanceof String text && text.length() <= 64) {
					try {
						return ZoneId.of(text.strip());
					}
					catch (DateTimeException ex) {
						// fall through to the message below
					}
				}
				throw new IllegalArgumentException("must be an IANA time zone such as \"Europe/Berlin\" or \"UTC\"");
			}

			public Object toJson(ZoneId value) {
				return value.getId();
			}
		};
	}

}
