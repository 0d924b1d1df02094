package dev.perch.usage.web;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.perch.shared.web.ApiException;
import dev.perch.usage.UsageProblems;
import dev.perch.usage.internal.PriceEntry;
import dev.perch.usage.internal.Pricing;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/v1/pricing")
@Tag(name = "Pricing")
class PricingController {

	private final Pricing pricing;

	private final JsonMapper strict;

	private final Clock clock;

	PricingController(Pricing pricing, JsonMapper json, Clock clock) {
		this.pricing = pricing;
		this.strict = json.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		this.clock = clock;
	}

	@GetMapping
	@Operation(summary = "The price table in force now (or at 'at'): USD per million tokens, with tiers and sources")
	Mono<PriceTableResponse> table(@RequestParam(required = false) @Nullable String at) {
		Instant when = at == null ? clock.instant() : instant(at);
		var file = pricing.file();
		return pricing.table()
			.map(table -> new PriceTableResponse(file.source(), file.retrieved(),
					file.currency() == null ? "USD" : file.currency(),
					file.unit() == null ? "per million tokens" : file.unit(), when,
					table.effectiveAt(when).stream().map(PriceView::of).toList()));
	}

	@PutMapping("/{model}")
	@Operation(summary = "Add an effective-dated price override for a model id (match=exact) or a pattern (match=pattern)")
	Mono<PriceView> override(@PathVariable String model, @RequestBody JsonNode body) {
		PriceEntry entry = entry(body);
		if (entry.model() != null && !entry.model().equals(model)) {
			throw invalid("model", "must be absent or equal the model in the path");
		}
		return pricing.override(model, entry).map(PriceView::of);
	}

	private PriceEntry entry(JsonNode body) {
		if (!body.isObject()) {
			throw invalid("body", "must be a JSON object");
		}
		try {
			return strict.treeToValue(body, PriceEntry.class);
		}
		catch (JacksonException ex) {
			String message = String.valueOf(ex.getOriginalMessage());
			throw invalid(ex.getPathReference() == null ? "body" : ex.getPathReference(),
					message.length() > 200 ? message.substring(0, 200) : message);
		}
	}

	private static Instant instant(String text) {
		try {
			if (text.length() <= 40) {
				return OffsetDateTime.parse(text).toInstant();
			}
		}
		catch (DateTimeException ex) {
			// reported below
		}
		throw new ApiException(UsageProblems.INVALID_QUERY, "Parameter 'at' must be a date-time with offset.",
				Map.of("errors", List.of(Map.of("field", "at", "message", "must be a date-time with offset"))));
	}

	private static ApiException invalid(String field, String message) {
		return new ApiException(UsageProblems.INVALID_PRICE, "The price is not valid: " + field + " " + message + ".",
				Map.of("errors", List.of(Map.of("field", field, "message", message))));
	}

}
