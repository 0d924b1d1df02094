package dev.perch.usage.web;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

import dev.perch.usage.internal.UsageRecord;

/** CSV lines of usage records (RFC 4180 quoting; text that a spreadsheet would run as a formula is prefixed with '). */
final class Csv {

	static final String HEADER = "occurred_at,key,workspace,agent,model,provider,session_id,input,output,cache_read,"
			+ "cache_write_5m,cache_write_1h,reasoning,cost,cost_source,latency_ms,error,source\r\n";

	private Csv() {
	}

	static String line(UsageRecord record) {
		var tokens = record.tokens();
		StringBuilder line = new StringBuilder(256);
		line.append(record.occurredAt()).append(',');
		text(line, record.key());
		text(line, record.workspace());
		text(line, record.agent());
		text(line, record.model());
		text(line, record.provider());
		text(line, record.sessionId());
		line.append(tokens.input()).append(',').append(tokens.output()).append(',').append(tokens.cacheRead())
			.append(',').append(tokens.cacheWrite5m()).append(',').append(tokens.cacheWrite1h()).append(',')
			.append(tokens.reasoning()).append(',');
		BigDecimal cost = record.cost();
		line.append(cost == null ? "" : cost.toPlainString()).append(',');
		text(line, record.costSource());
		line.append(record.latencyMs() == null ? "" : record.latencyMs()).append(',');
		text(line, record.errorCode());
		String source = record.source();
		line.append(escape(source)).append("\r\n");
		return line.toString();
	}

	private static void text(StringBuilder line, @Nullable String value) {
		line.append(value == null ? "" : escape(value)).append(',');
	}

	static String escape(String value) {
		String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
		if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
			return '"' + safe.replace("\"", "\"\"") + '"';
		}
		return safe;
	}

}
