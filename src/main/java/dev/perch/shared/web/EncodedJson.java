package dev.perch.shared.web;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonValue;

import tools.jackson.databind.json.JsonMapper;

/**
 * Data of a server-sent event that many streams send: {@link EventStreamWriter} encodes it to JSON the first
 * time one of them writes it and every other stream writes those same bytes. A relayed session event goes to
 * each of its viewers; encoding it once instead of once per viewer was a third of the relay's CPU with two.
 */
public final class EncodedJson {

	private final Object value;

	private volatile byte @Nullable [] bytes;

	private EncodedJson(Object value) {
		this.value = value;
	}

	public static EncodedJson of(Object value) {
		return new EncodedJson(value);
	}

	/** The value as it was given, before encoding; what a plain JSON writer writes of it too. */
	@JsonValue
	public Object value() {
		return value;
	}

	/** The JSON of the value; two streams that ask at once may both encode it, to the same bytes. */
	byte[] bytes(JsonMapper json) {
		byte[] encoded = bytes;
		if (encoded == null) {
			encoded = json.writeValueAsBytes(value);
			bytes = encoded;
		}
		return encoded;
	}

	@Override
	public String toString() {
		return "EncodedJson[" + value + "]";
	}

}
