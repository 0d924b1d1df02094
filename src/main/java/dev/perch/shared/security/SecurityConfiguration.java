package dev.perch.shared.security;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;

import dev.perch.shared.web.ProblemType;
import dev.perch.shared.web.Problems;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/**} and the Prometheus endpoint need {@code Authorization: Bearer <token>}; health,
 * info, the OpenAPI description and Swagger UI are public. Failures are problems, like every error.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final String BEARER = "Bearer ";

	@Bean
	ReactiveAuthenticationManager apiTokenAuthenticationManager(ApiTokens tokens) {
		return authentication -> tokens.matches(String.valueOf(authentication.getCredentials()))
				? Mono.just(UsernamePasswordAuthenticationToken.authenticated("api", null,
						List.of(new SimpleGrantedAuthority("ROLE_API"))))
				: Mono.error(new BadCredentialsException("The bearer token is not valid."));
	}

	/** Requests the firewall refuses (encoded slashes or percent signs, say) get a problem like every other error. */
	@Bean
	org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler problemRejectedHandler(JsonMapper json) {
		return (exchange, ex) -> problem(exchange, json, ProblemType.MALFORMED_REQUEST,
				"The request URL is not acceptable: it contains encoded characters such as %2F, %25 or %2E that Perch refuses.");
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, SecurityProperties properties,
			ReactiveAuthenticationManager manager, JsonMapper json) {
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.exceptionHandling(handling -> handling
				.authenticationEntryPoint((exchange, ex) -> problem(exchange, json, ProblemType.UNAUTHORIZED,
						"Send the API token as 'Authorization: Bearer <token>'."))
				.accessDeniedHandler((exchange, ex) -> problem(exchange, json, ProblemType.FORBIDDEN,
						"This token may not do that.")));
		if (!properties.enabled()) {
			return http.authorizeExchange(exchanges -> exchanges.anyExchange().permitAll()).build();
		}
		AuthenticationWebFilter bearer = new AuthenticationWebFilter(manager);
		bearer.setServerAuthenticationConverter(SecurityConfiguration::bearerToken);
		bearer.setAuthenticationFailureHandler((filterExchange, ex) -> problem(filterExchange.getExchange(), json,
				ProblemType.UNAUTHORIZED, "The bearer token is not valid."));
		return http.addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
			.authorizeExchange(exchanges -> exchanges.pathMatchers("/api/**", "/actuator/prometheus")
				.authenticated()
				.anyExchange()
				.permitAll())
			.build();
	}

	private static Mono<org.springframework.security.core.Authentication> bearerToken(ServerWebExchange exchange) {
		String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return Mono.empty();
		}
		String token = header.substring(BEARER.length()).strip();
		return Mono.just(UsernamePasswordAuthenticationToken.unauthenticated("api", token));
	}

	private static Mono<Void> problem(ServerWebExchange exchange, JsonMapper json, ProblemType type, String detail) {
		var response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(type.status().value()));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (type == ProblemType.UNAUTHORIZED) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		var body = Problems.of(type, detail);
		body.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
		byte[] bytes = json.writeValueAsBytes(Problems.toMap(body));
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
	}

}
