package dev.perch.workspace;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

import reactor.core.publisher.Flux;

interface WorkspaceRepository extends ReactiveCrudRepository<Workspace, String> {

	Flux<Workspace> findAllByOrderByName();

}
