package dev.perch.opencode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deterministic OpenAI-compatible model server for tests, bound to 127.0.0.1: streamed chat
 * completions with usage, steered per prompt by directives in the last user message:
 * {@code [[fake:reply=pong]]}, {@code [[fake:mode=error|hang|drop]]}, {@code [[fake:prompt_tokens=7]]},
 * {@code [[fake:completion_tokens=3]]}, {@code [[fake:chunks=4]]}, {@code [[fake:delay_ms=10]]} (between streamed
 * chunks, default 20; 0 sends them as fast as the connection takes them). Title-generation requests get a quick
 * title. Modelled on the verified harness ({@code shared/harness/opencode/fake-llm.py}).
 */
public final class FakeModel implements AutoCloseable {

	private static final Pattern DIRECTIVE = Pattern.compile("\\[\\[fake:([a-z_]+)=(.*?)]]");

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<String> prompts = new CopyOnWriteArrayList<>();

	private final DisposableServer server;

	public FakeModel() {
		this(null);
	}

	/** A fake model whose server runs on {@code loop} (a benchmark keeps it off the threads of the clients it measures). */
	public FakeModel(reactor.netty.resources.@org.jspecify.annotations.Nullable LoopResources loop) {
		HttpServer server = HttpServer.create();
		this.server = (loop == null ? server : server.runOn(loop))
			.host("127.0.0.1")
			.port(0)
			.route(routes -> routes
				.get("/v1/models", (request, response) -> response.header("Content-Type", "application/json")
					.sendString(Mono.just("{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\",\"object\":\"model\"},"
							+ "{\"id\":\"fake-small\",\"object\":\"model\"}]}")))
				.post("/v1/chat/completions", this::chat))
			.bindNow();
	}

	/** The base URL OpenCode's provider config points at, e.g. {@code http://127.0.0.1:4321/v1}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + server.port() + "/v1";
	}

	/** The last user message of every non-title request, in order. */
	public List<String> prompts() {
		return List.copyOf(prompts);
	}

	/** How many requests carried this text in their last user message. */
	public long requestsContaining(String marker) {
		return prompts.stream().filter(prompt -> prompt.contains(marker)).count();
	}

	@Override
	public void close() {
		server.disposeNow(Duration.ofSeconds(5));
	}

	private Mono<Void> chat(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asString().flatMap(body -> answer(json.readTree(body), response).then());
	}

	private Mono<Void> answer(JsonNode body, HttpServerResponse response) {
		String system = text(body.path("messages"), "system");
		String user = lastUser(body.path("messages"));
		boolean title = system.toLowerCase().contains("title generator") || system.toLowerCase().contains("generate a title");
		Map<String, String> directives = title ? Map.of() : directives(user);
		if (!title) {
			prompts.add(user);
		}
		String mode = directives.getOrDefault("mode", "ok");
		if ("error".equals(mode)) {
			return response.status(HttpResponseStatus.INTERNAL_SERVER_ERROR).header("Content-Type", "application/json")
				.sendString(Mono.just("{\"error\":{\"message\":\"fake upstream failure\",\"type\":\"server_error\"}}")).then();
		}
		String reply = title ? "Fake session title" : directives.getOrDefault("reply", "Hello from the fake model.");
		Flux<String> events = "hang".equals(mode) ? Flux.never() : chunks(body, reply, directives, "drop".equals(mode));
		return response.status(HttpResponseStatus.OK)
			.header("Content-Type", "text/event-stream")
			.header("Cache-Control", "no-cache")
			.sendString(events.map(data -> "data: " + data + "\n\n"))
			.then();
	}

	private Flux<String> chunks(JsonNode body, String reply, Map<String, String> directives, boolean drop) {
		String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
		String model = body.path("model").asString("fake-model");
		int count = Math.max(1, Math.min(Integer.parseInt(directives.getOrDefault("chunks", "4")), Math.max(1, reply.length())));
		List<String> pieces = split(reply, count);
		List<String> out = new ArrayList<>();
		out.add(chunk(id, model, Map.of("role", "assistant", "content", ""), null));
		pieces.forEach(piece -> out.add(chunk(id, model, Map.of("content", piece), null)));
		out.add(chunk(id, model, Map.of(), "stop"));
		long input = Long.parseLong(directives.getOrDefault("prompt_tokens", "100"));
		long output = Long.parseLong(directives.getOrDefault("completion_tokens", "20"));
		out.add(usage(id, model, input, output));
		out.add("[DONE]");
		long delay = Long.parseLong(directives.getOrDefault("delay_ms", "20"));
		Flux<String> all = delay == 0 ? Flux.fromIterable(out) : Flux.fromIterable(out).delayElements(Duration.ofMillis(delay));
		if (drop) {
			return all.take(1 + Math.max(1, pieces.size() / 2)).concatWith(Flux.error(new IOException("dropped")));
		}
		return all;
	}

	private String chunk(String id, String model, Map<String, ?> delta, String finish) {
		Map<String, Object> choice = new LinkedHashMap<>();
		choice.put("index", 0);
		choice.put("delta", delta);
		choice.put("finish_reason", finish);
		Map<String, Object> chunk = new LinkedHashMap<>();
		chunk.put("id", id);
		chunk.put("object", "chat.completion.chunk");
		chunk.put("created", System.currentTimeMillis() / 1000);
		chunk.put("model", model);
		chunk.put("choices", List.of(choice));
		return json.writeValueAsString(chunk);
	}

	private String usage(String id, String model, long input, long output) {
		Map<String, Object> usage = new LinkedHashMap<>();
		usage.put("prompt_tokens", input);
		usage.put("completion_tokens", output);
		usage.put("total_tokens", input + output);
		usage.put("prompt_tokens_details", Map.of("cached_tokens", 0));
		usage.put("completion_tokens_details", Map.of("reasoning_tokens", 0));
		Map<String, Object> chunk = new LinkedHashMap<>();
		chunk.put("id", id);
		chunk.put("object", "chat.completion.chunk");
		chunk.put("created", System.currentTimeMillis() / 1000);
		chunk.put("model", model);
		chunk.put("choices", List.of());
		chunk.put("usage", usage);
		return json.writeValueAsString(chunk);
	}

	private static List<String> split(String text, int n) {
		List<String> pieces = new ArrayList<>();
		double size = (double) text.length() / n;
		for (int i = 0; i < n; i++) {
			pieces.add(text.substring((int) (i * size), (int) ((i + 1) * size)));
		}
		return pieces;
	}

	private static Map<String, String> directives(String text) {
		Map<String, String> found = new LinkedHashMap<>();
		Matcher matcher = DIRECTIVE.matcher(text);
		while (matcher.find()) {
			found.put(matcher.group(1), matcher.group(2));
		}
		return found;
	}

	private static String lastUser(JsonNode messages) {
		String last = "";
		for (JsonNode message : messages) {
			if ("user".equals(message.path("role").asString(""))) {
				last = content(message.path("content"));
			}
		}
		return last;
	}

	private static String text(JsonNode messages, String role) {
		StringBuilder all = new StringBuilder();
		for (JsonNode message : messages) {
			if (role.equals(message.path("role").asString(""))) {
				all.append(content(message.path("content"))).append(' ');
			}
		}
		return all.toString();
	}

	private static String content(JsonNode content) {
		if (content.isString()) {
			return content.asString();
		}
		StringBuilder text = new StringBuilder();
		for (JsonNode part : content) {
			text.append(part.path("text").asString(""));
		}
		return text.toString();
	}

}
