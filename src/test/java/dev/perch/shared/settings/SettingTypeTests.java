package dev.perch.shared.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SettingTypeTests {

	@Test
	void parsesAndPrintsDurations() {
		SettingType<Duration> type = SettingType.duration(Duration.ofSeconds(1), Duration.ofHours(1));
		assertThat(type.parse("90s")).isEqualTo(Duration.ofSeconds(90));
		assertThat(type.parse("PT5M")).isEqualTo(Duration.ofMinutes(5));
		assertThat(type.toJson(Duration.ofMinutes(5))).isEqualTo("5m");
		assertThat(type.toJson(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThatIllegalArgumentException().isThrownBy(() -> type.parse("2h"));
		assertThatIllegalArgumentException().isThrownBy(() -> type.parse("soon"));
		assertThatIllegalArgumentException().isThrownBy(() -> type.parse(30));
	}

	@Test
	void parsesPortRanges() {
		assertThat(SettingType.portRange().parse("4100-4199")).isEqualTo(new PortRange(4100, 4199));
		assertThat(new PortRange(4100, 4199).size()).isEqualTo(100);
		for (String bad : List.of("4199-4100", "80-90", "4100", "a-b", "4100-70000")) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> SettingType.portRange().parse(bad));
		}
	}

	@Test
	void keepsPathsInsideTheAllowedRoots() {
		SettingType<Path> type = SettingType.pathUnder(List.of(Path.of("/srv/perch")));
		assertThat(type.parse("/srv/perch/bin/../tools/opencode")).isEqualTo(Path.of("/srv/perch/tools/opencode"));
		for (String bad : List.of("/srv/perch/../etc/passwd", "/srv/perchx", "relative/path", "/etc", "")) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> type.parse(bad));
		}
	}

	@Test
	void boundsIntegersAndSizes() {
		assertThat(SettingType.integer(1, 10).parse(5)).isEqualTo(5);
		assertThatIllegalArgumentException().isThrownBy(() -> SettingType.integer(1, 10).parse(11));
		assertThatIllegalArgumentException().isThrownBy(() -> SettingType.integer(1, 10).parse(2.5));
		assertThatIllegalArgumentException().isThrownBy(() -> SettingType.integer(1, 10).parse("5"));
		assertThat(SettingType.dataSize(DataSize.ofKilobytes(1), DataSize.ofMegabytes(10)).parse("512KB"))
			.isEqualTo(DataSize.ofKilobytes(512));
		assertThatIllegalArgumentException().isThrownBy(() -> SettingType.bool().parse("true"));
	}

	@Test
	void rejectsBadKeys() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Setting<>("NoDots", SettingType.bool(), () -> true, ""));
	}

}
