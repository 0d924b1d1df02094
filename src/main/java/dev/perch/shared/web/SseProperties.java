package dev.perch.shared.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Server-sent events: {@code heartbeat} is the interval of the keep-alive comment on every stream. */
@ConfigurationProperties("perch.sse")
public record SseProperties(@DefaultValue("15s") Duration heartbeat) {
}
