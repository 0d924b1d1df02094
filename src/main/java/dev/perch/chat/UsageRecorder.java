package dev.perch.chat;

import java.math.BigDecimal;

import org.springframework.stereotype.Component;

import dev.perch.usage.Tokens;
import dev.perch.usage.UsageRecordRequest;
import dev.perch.usage.UsageService;
import reactor.core.publisher.Mono;

/**
 * Where the usage of every finished OpenCode assistant message goes: one usage record, idempotent by
 * {@link TurnUsage#dedupeKey()} ({@code opencode:<message id>}, the key the file collector uses too, so
 * a live turn and a later collection never count the same message twice). The caller logs a failure;
 * it never breaks the stream a user is watching.
 */
@Component
public class UsageRecorder {

	/** The {@code source} of records written from live turns. */
	static final String SOURCE = "chat";

	private static final String UNKNOWN_MODEL = "unknown";

	private final UsageService usage;

	UsageRecorder(UsageService usage) {
		this.usage = usage;
	}

	public Mono<Void> record(TurnUsage turn) {
		return usage.recordOne(SOURCE, toRecord(turn)).then();
	}

	static UsageRecordRequest toRecord(TurnUsage turn) {
		// OpenCode reports one cache-write figure without a lifetime: it is recorded as a 5-minute write.
		Tokens tokens = new Tokens(turn.inputTokens(), turn.outputTokens(), turn.cacheReadTokens(),
				turn.cacheWriteTokens(), 0, turn.reasoningTokens());
		return new UsageRecordRequest(turn.dedupeKey(), turn.occurredAt(), turn.workspace(), turn.agent(),
				turn.model() == null ? UNKNOWN_MODEL : turn.model(), turn.provider(), turn.sessionId(), tokens,
				turn.cost() == null ? null : BigDecimal.valueOf(turn.cost()), turn.latencyMs(), turn.errorCode());
	}

}
