package dev.perch.workspace.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.perch.shared.settings.PortRange;
import dev.perch.shared.settings.Settings;
import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.ProblemType;
import dev.perch.workspace.PortForward;
import dev.perch.workspace.WorkspaceProblems;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands out host ports for port forwards: an explicit host port must not belong to another workspace;
 * a missing one is the first port of the configured range that no workspace holds and that is free on
 * 127.0.0.1 now.
 */
@Component
public class PortAllocator {

	private static final TypeReference<List<PortForward>> PORTS = new TypeReference<>() {
	};

	private final WorkspaceRepository repository;

	private final WorkspaceSettings settings;

	private final Settings values;

	private final JsonMapper json;

	public PortAllocator(WorkspaceRepository repository, WorkspaceSettings settings, Settings values, JsonMapper json) {
		this.repository = repository;
		this.settings = settings;
		this.values = values;
		this.json = json;
	}

	public Mono<List<PortForward>> assign(String workspace, List<PortForward> requested) {
		Mono<Void> checked = Mono.fromRunnable(() -> checkDuplicates(requested));
		return checked.then(Mono.zip(heldByOthers(workspace), values.get(settings.ports)))
			.publishOn(Schedulers.boundedElastic())
			.map(tuple -> assign(workspace, requested, tuple.getT1(), tuple.getT2()));
	}

	private Mono<Set<Integer>> heldByOthers(String workspace) {
		return repository.findAll()
			.filter(other -> !other.name().equals(workspace))
			.flatMapIterable(other -> json.readValue(other.ports(), PORTS))
			.mapNotNull(PortForward::hostPort)
			.collect(HashSet::new, Set::add);
	}

	private static List<PortForward> assign(String workspace, List<PortForward> requested, Set<Integer> taken,
			PortRange range) {
		Set<Integer> used = new HashSet<>(taken);
		List<PortForward> result = new ArrayList<>();
		for (PortForward forward : requested) {
			if (forward.hostPort() != null) {
				if (taken.contains(forward.hostPort())) {
					throw new ApiException(WorkspaceProblems.NO_FREE_PORT, "Host port " + forward.hostPort()
							+ " is already forwarded by another workspace.", Map.of("hostPort", forward.hostPort()));
				}
				used.add(forward.hostPort());
			}
		}
		for (PortForward forward : requested) {
			result.add(forward.hostPort() != null ? forward : new PortForward(forward.port(), pick(workspace, range, used)));
		}
		return List.copyOf(result);
	}

	private static int pick(String workspace, PortRange range, Set<Integer> used) {
		for (int port = range.first(); port <= range.last(); port++) {
			if (!used.contains(port) && PortRange.isFreeOnLoopback(port)) {
				used.add(port);
				return port;
			}
		}
		throw new ApiException(WorkspaceProblems.NO_FREE_PORT, "No free host port is left in " + range
				+ " for workspace '" + workspace + "'; widen workspaces.ports.", Map.of("range", range.toString()));
	}

	private static void checkDuplicates(List<PortForward> requested) {
		Set<Integer> ports = new HashSet<>();
		Set<Integer> hostPorts = new HashSet<>();
		for (int i = 0; i < requested.size(); i++) {
			PortForward forward = requested.get(i);
			String problem = !ports.add(forward.port()) ? "port " + forward.port() + " appears twice"
					: forward.hostPort() != null && !hostPorts.add(forward.hostPort())
							? "host port " + forward.hostPort() + " appears twice" : null;
			if (problem != null) {
				throw new ApiException(ProblemType.VALIDATION, "The port forwards are not valid: " + problem + ".",
						Map.of("errors", List.of(Map.of("field", "ports[" + i + "]", "message", problem))));
			}
		}
	}

}
