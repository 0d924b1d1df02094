package dev.perch.chat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Where the usage of every finished OpenCode assistant message goes: the one hook to the usage module.
 * Today it only logs; connect it to the usage record store here (idempotent by {@link TurnUsage#dedupeKey()}).
 * A failure is logged and never breaks the stream a user is watching.
 */
@Component
public class UsageRecorder {

	private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

	public Mono<Void> record(TurnUsage usage) {
		return Mono.fromRunnable(() -> log.debug("OpenCode usage {}: {} in, {} out, cost {}", usage.dedupeKey(),
				usage.inputTokens(), usage.outputTokens(), usage.cost()));
	}

}
