package dev.perch.opencode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real {@code opencode} for integration tests: the pinned version installed by
 * {@code scripts/install-opencode.sh} (npm, cached), or {@code OPENCODE_BIN}; plus the configuration that
 * points it at a {@link FakeModel} and keeps it offline (its runtime npm registry is a dead loopback port).
 */
public final class OpenCodeInstallation {

	private static volatile @Nullable String binary;

	private static volatile boolean tried;

	private OpenCodeInstallation() {
	}

	/** The binary, installing it on first use; null when it cannot be had (no npm, no network). */
	public static synchronized @Nullable String binary() {
		if (tried) {
			return binary;
		}
		tried = true;
		String configured = System.getenv("OPENCODE_BIN");
		if (configured != null && Files.isExecutable(Path.of(configured))) {
			return binary = configured;
		}
		try {
			Process install = new ProcessBuilder("bash", "scripts/install-opencode.sh")
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			String out = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (install.waitFor(5, TimeUnit.MINUTES) && install.exitValue() == 0 && Files.isExecutable(Path.of(out))) {
				binary = out;
			}
		}
		catch (IOException ex) {
			binary = null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return binary;
	}

	/** Writes an opencode config with one provider, {@code fake}, served by the fake model; answers its path. */
	public static Path writeConfig(Path directory, FakeModel model) throws IOException {
		Files.createDirectories(directory);
		Path config = directory.resolve("opencode.json");
		Files.writeString(config, """
				{
				  "$schema": "https://opencode.ai/config.json",
				  "provider": {
				    "fake": {
				      "npm": "@ai-sdk/openai-compatible",
				      "name": "Fake model",
				      "options": { "baseURL": "%s", "apiKey": "fake-key" },
				      "models": {
				        "fake-model": { "name": "Fake Model", "limit": { "context": 128000, "output": 4096 },
				                        "cost": { "input": 1, "output": 2 } },
				        "fake-small": { "name": "Fake Small", "limit": { "context": 128000, "output": 1024 } }
				      }
				    }
				  },
				  "enabled_providers": ["fake"],
				  "model": "fake/fake-model",
				  "small_model": "fake/fake-small",
				  "autoupdate": false,
				  "share": "disabled",
				  "snapshot": false,
				  "lsp": false,
				  "formatter": false
				}
				""".formatted(model.baseUrl()));
		return config;
	}

	/**
	 * Points a test's Perch at the pinned opencode and {@code model}: the binary (a name that cannot start
	 * when it is not installed, so {@code RealServices.require} reports it), the port range, bounds generous
	 * enough for a loaded CI machine (start-up 90 s, connect and existence check 10 s, no idle stop for an
	 * hour) unless {@code overrides} (keys below {@code perch.opencode.}) say otherwise, and the offline
	 * configuration in the server's environment.
	 *
	 * @return the configuration file written for the model
	 */
	public static Path register(DynamicPropertyRegistry registry, FakeModel model, String ports,
			Map<String, String> overrides) throws IOException {
		Path config = writeConfig(Files.createTempDirectory("perch-oc-config"), model);
		String binary = binary();
		registry.add("perch.opencode.binary", () -> binary == null ? "opencode-not-installed" : binary);
		registry.add("perch.opencode.ports", () -> ports);
		Map<String, String> bounds = new LinkedHashMap<>();
		bounds.put("startup-timeout", "90s");
		bounds.put("connect-timeout", "10s");
		bounds.put("existence-timeout", "10s");
		bounds.put("idle-check", "1h");
		bounds.putAll(overrides);
		bounds.forEach((key, value) -> registry.add("perch.opencode." + key, () -> value));
		environment(config).forEach((name, value) -> registry.add("perch.opencode.env[" + name + "]", () -> value));
		return config;
	}

	/** The environment that makes a server hermetic: the config above, no downloads, no update checks. */
	public static Map<String, String> environment(Path config) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("OPENCODE_CONFIG", config.toString());
		env.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
		env.put("OPENCODE_DISABLE_SHARE", "1");
		env.put("OPENCODE_DISABLE_MODELS_FETCH", "1");
		env.put("OPENCODE_DISABLE_LSP_DOWNLOAD", "1");
		env.put("OPENCODE_DISABLE_DEFAULT_PLUGINS", "1");
		env.put("OPENCODE_DISABLE_CLAUDE_CODE", "1");
		env.put("OPENCODE_DISABLE_EXTERNAL_SKILLS", "1");
		env.put("npm_config_registry", "http://127.0.0.1:9/");
		env.put("NPM_CONFIG_REGISTRY", "http://127.0.0.1:9/");
		return env;
	}

}
