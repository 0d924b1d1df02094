package dev.perch.opencode;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.perch.shared.settings.PortRange;

/**
 * The managed {@code opencode serve} servers. The timeouts, {@code idleStop} and {@code replayBuffer}
 * are defaults of runtime settings ({@link OpenCodeSettings}).
 *
 * @param binary the {@code opencode} executable as the workspace sees it: a name looked up on PATH or an
 *        absolute path ({@code scripts/install-opencode.sh} installs the pinned version and prints it)
 * @param version the version Perch is built and tested against ({@code opencode-ai} on npm)
 * @param ports ports handed to the servers, bound to the workspace's reachable host only
 * @param env extra environment of every server (e.g. {@code OPENCODE_CONFIG}, provider keys)
 * @param startupTimeout bound of starting a server until it answers its health check
 * @param connectTimeout bound of opening a connection to a server, and of its event stream's first answer
 * @param existenceTimeout bound of the {@code GET /session/{id}} check before a message is sent
 * @param requestTimeout bound of every other request (create session, prompt, abort)
 * @param firstEventTimeout bound from sending a message to the turn's first output (text, tool) or end
 * @param idleTimeout silence of the event stream (OpenCode sends a heartbeat every 10 s) after which it is dead
 * @param turnTimeout bound of a whole turn
 * @param idleStop a server without viewers or turns for this long is stopped
 * @param replayBuffer events kept per session for {@code Last-Event-ID} replay
 */
@ConfigurationProperties("perch.opencode")
public record OpenCodeProperties(@DefaultValue("opencode") String binary, @DefaultValue("1.18.33") String version,
		@DefaultValue("4100-4199") PortRange ports, @DefaultValue Map<String, String> env,
		@DefaultValue("30s") Duration startupTimeout, @DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("2s") Duration existenceTimeout, @DefaultValue("10s") Duration requestTimeout,
		@DefaultValue("120s") Duration firstEventTimeout, @DefaultValue("30s") Duration idleTimeout,
		@DefaultValue("30m") Duration turnTimeout, @DefaultValue("15m") Duration idleStop,
		@DefaultValue("1000") int replayBuffer) {
}
