package dev.perch.session.web;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.perch.session.internal.CollectionReport;
import dev.perch.session.internal.UsageCollector;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/** Collect usage from the agent files now (works whether or not scheduled collection is enabled). */
@RestController
@RequestMapping("/api/v1/usage")
@Tag(name = "Usage")
class UsageCollectController {

	private final UsageCollector collector;

	UsageCollectController(UsageCollector collector) {
		this.collector = collector;
	}

	@PostMapping("/collect")
	@Operation(summary = "Collect usage from every workspace's agent files now (or one: ?workspace=); 409 while one runs")
	Mono<CollectionReport> collect(@RequestParam(required = false) @Nullable String workspace) {
		return workspace == null ? collector.collectAll() : collector.collect(workspace);
	}

}
