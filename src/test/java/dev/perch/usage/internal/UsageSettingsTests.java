package dev.perch.usage.internal;

import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UsageSettingsTests {

	@Test
	void acceptsIanaZonesAndRefusesOthers() {
		var zone = UsageSettings.zone();

		assertThat(zone.parse("Europe/Berlin")).isEqualTo(ZoneId.of("Europe/Berlin"));
		assertThat(zone.toJson(ZoneId.of("UTC"))).isEqualTo("UTC");
		assertThatIllegalArgumentException().isThrownBy(() -> zone.parse("Mars/Olympus"));
		assertThatIllegalArgumentException().isThrownBy(() -> zone.parse(42));
	}

}
