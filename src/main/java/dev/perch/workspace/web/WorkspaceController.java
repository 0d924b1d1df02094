package dev.perch.workspace.web;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.perch.shared.web.EventStreams;
import dev.perch.shared.web.PageResponse;
import dev.perch.workspace.CloneWorkspaceRequest;
import dev.perch.workspace.CreateWorkspaceRequest;
import dev.perch.workspace.ExecRequest;
import dev.perch.workspace.ExecResult;
import dev.perch.workspace.PortsRequest;
import dev.perch.workspace.WorkspaceResponse;
import dev.perch.workspace.WorkspaceService;
import dev.perch.workspace.WorkspaceStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/v1/workspaces")
@Tag(name = "Workspaces")
class WorkspaceController {

	private final WorkspaceService workspaces;

	private final EventStreams streams;

	private final JsonMapper json;

	WorkspaceController(WorkspaceService workspaces, EventStreams streams, JsonMapper json) {
		this.workspaces = workspaces;
		this.streams = streams;
		this.json = json;
	}

	@GetMapping
	@Operation(summary = "List workspaces, by name, optionally only those with a status")
	Mono<PageResponse<WorkspaceResponse>> list(@RequestParam(required = false) @Nullable WorkspaceStatus status,
			@RequestParam(defaultValue = "0") @Min(0) int page,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
		return workspaces.list(status, page, size);
	}

	@PostMapping
	@Operation(summary = "Create a workspace (clones its repository, creates its container)")
	Mono<ResponseEntity<WorkspaceResponse>> create(@Valid @RequestBody CreateWorkspaceRequest request) {
		return workspaces.create(request).map(created -> ResponseEntity
			.created(URI.create("/api/v1/workspaces/" + created.name())).body(created));
	}

	@GetMapping("/{name}")
	@Operation(summary = "Get a workspace with its live status")
	Mono<WorkspaceResponse> get(@PathVariable String name) {
		return workspaces.get(name);
	}

	@DeleteMapping("/{name}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Stop and delete a workspace, its container and its home directory")
	Mono<Void> delete(@PathVariable String name) {
		return workspaces.delete(name);
	}

	@PostMapping("/{name}/start")
	@Operation(summary = "Start a workspace (idempotent)")
	Mono<WorkspaceResponse> start(@PathVariable String name) {
		return workspaces.start(name);
	}

	@PostMapping("/{name}/stop")
	@Operation(summary = "Stop a workspace (idempotent)")
	Mono<WorkspaceResponse> stop(@PathVariable String name) {
		return workspaces.stop(name);
	}

	@PostMapping("/{name}/clone")
	@Operation(summary = "Create a new workspace with a copy of this one's home directory")
	Mono<ResponseEntity<WorkspaceResponse>> clone(@PathVariable String name,
			@Valid @RequestBody CloneWorkspaceRequest request) {
		return workspaces.clone(name, request).map(created -> ResponseEntity
			.created(URI.create("/api/v1/workspaces/" + created.name())).body(created));
	}

	@GetMapping("/{name}/logs")
	@Operation(summary = "The last lines of the workspace log; follow=true (or Accept: text/event-stream) streams as SSE")
	Mono<ResponseEntity<Object>> logs(@PathVariable String name,
			@RequestParam(defaultValue = "100") @Min(0) @Max(10000) int tail,
			@RequestParam(defaultValue = "false") boolean follow,
			@RequestHeader(name = "Accept", required = false) @Nullable String accept) {
		if (follow || (accept != null && accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE))) {
			return workspaces.get(name).map(workspace -> ResponseEntity.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.body(streams.withHeartbeat(logEvents(name, tail), json::writeValueAsString)));
		}
		return workspaces.logs(name, tail, false)
			.collectList()
			.map(lines -> ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(joined(lines)));
	}

	private Flux<ServerSentEvent<String>> logEvents(String name, int tail) {
		return workspaces.logs(name, tail, true)
			.index()
			.map(line -> ServerSentEvent.<String>builder(line.getT2()).id(Long.toString(line.getT1())).event("log").build());
	}

	private static String joined(List<String> lines) {
		return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
	}

	@PostMapping("/{name}/exec")
	@Operation(summary = "Run argv (never a shell string) in a running workspace; 504 problem on timeout")
	Mono<ExecResult> exec(@PathVariable String name, @Valid @RequestBody ExecRequest request) {
		return workspaces.exec(name, request);
	}

	@GetMapping("/{name}/ports")
	@Operation(summary = "Port forwards of the workspace (host ports bound to 127.0.0.1)")
	Mono<PortsRequest> ports(@PathVariable String name) {
		return workspaces.ports(name).map(PortsRequest::new);
	}

	@PutMapping("/{name}/ports")
	@Operation(summary = "Replace the port forwards; they apply at the next start")
	Mono<PortsRequest> replacePorts(@PathVariable String name, @Valid @RequestBody PortsRequest request) {
		return workspaces.replacePorts(name, request).map(PortsRequest::new);
	}

}
