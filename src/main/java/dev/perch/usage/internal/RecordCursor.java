package dev.perch.usage.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/** A position in the newest-first records list, sent to clients as an opaque string. */
public record RecordCursor(Instant occurredAt, long id) {

	public String encode() {
		String plain = "v1:" + occurredAt.getEpochSecond() + ":" + occurredAt.getNano() + ":" + id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
	}

	/** The cursor a string encodes, or {@code null} when it is not one of ours. */
	public static @Nullable RecordCursor decode(String text) {
		if (text.length() > 100) {
			return null;
		}
		try {
			String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", -1);
			if (parts.length != 4 || !"v1".equals(parts[0])) {
				return null;
			}
			return new RecordCursor(Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2])),
					Long.parseLong(parts[3]));
		}
		catch (IllegalArgumentException | java.time.DateTimeException ex) {
			return null;
		}
	}

}
