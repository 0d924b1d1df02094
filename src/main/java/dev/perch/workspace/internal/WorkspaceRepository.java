package dev.perch.workspace.internal;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

import reactor.core.publisher.Flux;

public interface WorkspaceRepository extends ReactiveCrudRepository<Workspace, String> {

	Flux<Workspace> findAllByOrderByName();

}
