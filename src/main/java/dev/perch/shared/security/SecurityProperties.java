package dev.perch.shared.security;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API authentication.
 *
 * @param enabled whether {@code /api/**} requires a bearer token
 * @param token the API token in plain text (for example from a Kubernetes Secret)
 * @param tokenSha256 the API token's SHA-256 as hex, when the plain token should not be in the configuration
 * @param tokenFile where a token generated on first start is written (owner-only), when neither is set
 */
@ConfigurationProperties("perch.security")
public record SecurityProperties(@DefaultValue("true") boolean enabled, @Nullable String token,
		@Nullable String tokenSha256, Path tokenFile) {
}
