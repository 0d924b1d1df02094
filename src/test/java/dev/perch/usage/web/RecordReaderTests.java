package dev.perch.usage.web;

import org.junit.jupiter.api.Test;

import dev.perch.usage.IngestItem;
import dev.perch.usage.IngestItem.RecordError;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class RecordReaderTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static IngestItem read(String json) {
		return RecordReader.read(JSON.readTree(json));
	}

	@Test
	void readsEveryFieldOfARecord() {
		IngestItem item = read("""
				{"key":"k1","occurredAt":"2026-11-25T10:15:30+01:00","workspace":"alpha","agent":"opencode",
				 "model":"claude-sonnet-4-5","provider":"anthropic","sessionId":"ses_1","input":1,"output":2,
				 "cacheRead":3,"cacheWrite5m":4,"cacheWrite1h":5,"reasoning":6,"cost":0.25,"latencyMs":900,"error":"aborted"}""");

		assertThat(item.errors()).isEmpty();
		var record = item.record();
		assertThat(record.occurredAt()).hasToString("2026-11-25T09:15:30Z");
		assertThat(record.tokens().cacheWrite1h()).isEqualTo(5);
		assertThat(record.cost()).isEqualByComparingTo("0.25");
		assertThat(record.error()).isEqualTo("aborted");
	}

	@Test
	void treatsMissingTokenCountsAsZero() {
		IngestItem item = read("{\"key\":\"k\",\"occurredAt\":\"2026-11-25T10:00:00Z\",\"workspace\":\"w\",\"agent\":\"claude\",\"model\":\"m\"}");

		assertThat(item.record().tokens().input()).isZero();
		assertThat(item.record().cost()).isNull();
	}

	@Test
	void refusesUnknownFieldsSoNoTextCanBeStored() {
		IngestItem item = read("{\"key\":\"k\",\"prompt\":\"hello\",\"response\":\"hi\"}");

		assertThat(item.record()).isNull();
		assertThat(item.errors()).extracting(RecordError::field, RecordError::reason)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("prompt", "unknown-field"),
					org.assertj.core.groups.Tuple.tuple("response", "unknown-field"));
	}

	@Test
	void refusesFractionalStringAndHugeTokenCounts() {
		IngestItem item = read("{\"input\":1.5,\"output\":\"7\",\"cacheRead\":1e400,\"reasoning\":99999999999999999999}");

		assertThat(item.errors()).extracting(RecordError::field, RecordError::reason)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("input", "wrong-type"),
					org.assertj.core.groups.Tuple.tuple("output", "wrong-type"),
					org.assertj.core.groups.Tuple.tuple("cacheRead", "wrong-type"),
					org.assertj.core.groups.Tuple.tuple("reasoning", "out-of-range"));
	}

	@Test
	void refusesNonObjectsAndDatesWithoutOffset() {
		assertThat(read("[1]").errors()).extracting(RecordError::reason).containsExactly("not-an-object");
		assertThat(read("{\"occurredAt\":\"2026-11-25T10:00:00\"}").errors()).extracting(RecordError::field)
			.containsExactly("occurredAt");
	}

}
