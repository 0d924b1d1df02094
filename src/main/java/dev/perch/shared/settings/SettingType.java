package dev.perch.shared.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

/**
 * How the JSON value of a setting is parsed, validated and shown. {@link #parse} throws
 * {@link IllegalArgumentException} with a message for the user when a value is not acceptable.
 */
public interface SettingType<T> {

	/** A short name for the API: {@code string}, {@code integer}, {@code duration}, … */
	String name();

	T parse(Object json);

	/** The JSON form of a value: a string, number or boolean. */
	default Object toJson(T value) {
		return value.toString();
	}

	/** The values the type accepts, for enumerations; empty otherwise. */
	default List<String> allowedValues() {
		return List.of();
	}

	static SettingType<Boolean> bool() {
		return new SettingType<>() {
			public String name() {
				return "boolean";
			}

			public Boolean parse(Object json) {
				if (json instanceof Boolean value) {
					return value;
				}
				throw new IllegalArgumentException("must be true or false");
			}

			public Object toJson(Boolean value) {
				return value;
			}
		};
	}

	static SettingType<Integer> integer(int min, int max) {
		return new SettingType<>() {
			public String name() {
				return "integer";
			}

			public Integer parse(Object json) {
				if (json instanceof Number number && number.doubleValue() == number.longValue()
						&& number.longValue() >= min && number.longValue() <= max) {
					return number.intValue();
				}
				throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
			}

			public Object toJson(Integer value) {
				return value;
			}
		};
	}

	static SettingType<String> string(int maxLength, String pattern) {
		return new SettingType<>() {
			public String name() {
				return "string";
			}

			public String parse(Object json) {
				if (json instanceof String value && value.length() <= maxLength && value.matches(pattern)) {
					return value;
				}
				throw new IllegalArgumentException("must be a string of at most " + maxLength + " characters matching " + pattern);
			}
		};
	}

	static SettingType<Duration> duration(Duration min, Duration max) {
		return new SettingType<>() {
			public String name() {
				return "duration";
			}

			public Duration parse(Object json) {
				String message = "must be a duration such as \"30s\", \"5m\" or \"PT1H\" from " + min + " to " + max;
				if (!(json instanceof String text)) {
					throw new IllegalArgumentException(message);
				}
				try {
					Duration value = DurationStyle.detectAndParse(text.strip());
					if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
						throw new IllegalArgumentException(message);
					}
					return value;
				}
				catch (DateTimeParseException ex) {
					throw new IllegalArgumentException(message);
				}
			}

			public Object toJson(Duration value) {
				return print(value);
			}
		};
	}

	static SettingType<DataSize> dataSize(DataSize min, DataSize max) {
		return new SettingType<>() {
			public String name() {
				return "data-size";
			}

			public DataSize parse(Object json) {
				String message = "must be a size such as \"512KB\" or \"10MB\" from " + min + " to " + max;
				if (!(json instanceof String text)) {
					throw new IllegalArgumentException(message);
				}
				try {
					DataSize value = DataSize.parse(text.strip());
					if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
						throw new IllegalArgumentException(message);
					}
					return value;
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(message);
				}
			}
		};
	}

	static SettingType<PortRange> portRange() {
		return new SettingType<>() {
			public String name() {
				return "port-range";
			}

			public PortRange parse(Object json) {
				if (!(json instanceof String text)) {
					throw new IllegalArgumentException("must be a port range such as \"4100-4199\"");
				}
				return PortRange.parse(text);
			}
		};
	}

	static <E extends Enum<E>> SettingType<E> enumeration(Class<E> type) {
		return new SettingType<>() {
			public String name() {
				return "enum";
			}

			public E parse(Object json) {
				if (json instanceof String text) {
					for (E constant : type.getEnumConstants()) {
						if (constant.name().equalsIgnoreCase(text.strip())) {
							return constant;
						}
					}
				}
				throw new IllegalArgumentException("must be one of " + allowedValues());
			}

			public Object toJson(E value) {
				return value.name().toLowerCase(Locale.ROOT);
			}

			public List<String> allowedValues() {
				return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
			}
		};
	}

	/** The shortest exact form: {@code 90s}, {@code 5m}, {@code 2h}, {@code 1500ms}. */
	static String print(Duration value) {
		long millis = value.toMillis();
		if (millis % 3_600_000 == 0 && millis != 0) {
			return millis / 3_600_000 + "h";
		}
		if (millis % 60_000 == 0 && millis != 0) {
			return millis / 60_000 + "m";
		}
		return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
	}

	/** An absolute path that must stay inside one of the allowed roots, whatever {@code ..} it contains. */
	static SettingType<Path> pathUnder(List<Path> roots) {
		return new SettingType<>() {
			public String name() {
				return "path";
			}

			public Path parse(Object json) {
				String message = "must be an absolute path inside one of " + roots;
				if (!(json instanceof String text) || text.isBlank() || text.indexOf('\0') >= 0) {
					throw new IllegalArgumentException(message);
				}
				Path path = Path.of(text.strip());
				if (!path.isAbsolute()) {
					throw new IllegalArgumentException(message);
				}
				Path normalized = path.normalize();
				boolean inside = roots.stream().map(root -> root.toAbsolutePath().normalize()).anyMatch(normalized::startsWith);
				if (!inside) {
					throw new IllegalArgumentException(message);
				}
				return normalized;
			}
		};
	}

}
