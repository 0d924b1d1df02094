package dev.perch.shared.web;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TrustedForwardedHeaderTransformerTests {

	private static final TrustedForwardedHeaderTransformer LOOPBACK_AND_PRIVATE = new TrustedForwardedHeaderTransformer(
			new TrustedProxiesProperties(List.of("127.0.0.0/8", "::1", "10.0.0.0/8", "fd00::/8")));

	@Test
	void appliesForwardedHeadersFromATrustedProxy() {
		ServerHttpRequest request = LOOPBACK_AND_PRIVATE.apply(forwarded("10.1.2.3"));

		assertThat(request.getURI()).hasToString("https://perch.example.com/api/v1/workspaces");
		assertThat(request.getRemoteAddress().getHostString()).isEqualTo("203.0.113.9");
		assertThat(request.getHeaders().containsHeader("X-Forwarded-Host")).isFalse();
	}

	@Test
	void appliesForwardedHeadersFromATrustedIpv6Proxy() {
		ServerHttpRequest request = LOOPBACK_AND_PRIVATE.apply(forwarded("fd12:3456::1"));

		assertThat(request.getURI().getHost()).isEqualTo("perch.example.com");
	}

	@Test
	void removesForwardedHeadersFromAnyOtherPeer() {
		ServerHttpRequest request = LOOPBACK_AND_PRIVATE.apply(forwarded("192.0.2.50"));

		assertThat(request.getURI()).hasToString("http://perch.internal:8080/api/v1/workspaces");
		assertThat(request.getRemoteAddress().getHostString()).isEqualTo("192.0.2.50");
		assertThat(request.getHeaders().headerNames()).noneMatch(name -> name.toLowerCase().contains("forwarded"));
	}

	@Test
	void trustsNoPeerWhenTheListIsEmpty() {
		var none = new TrustedForwardedHeaderTransformer(new TrustedProxiesProperties(List.of()));

		assertThat(none.apply(forwarded("127.0.0.1")).getURI().getHost()).isEqualTo("perch.internal");
	}

	@Test
	void comparesOnlyThePrefixBitsOfARange() {
		var narrow = new TrustedForwardedHeaderTransformer(new TrustedProxiesProperties(List.of("10.0.0.128/25")));

		assertThat(narrow.apply(forwarded("10.0.0.200")).getURI().getHost()).isEqualTo("perch.example.com");
		assertThat(narrow.apply(forwarded("10.0.0.127")).getURI().getHost()).isEqualTo("perch.internal");
	}

	@Test
	void refusesHostNamesAndMalformedRanges() {
		for (String bad : List.of("proxy.example.com", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "")) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> AddressRange.parse(bad))
				.withMessageContaining("perch.web.trusted-proxies");
		}
	}

	private static MockServerHttpRequest forwarded(String peer) {
		return MockServerHttpRequest.get("http://perch.internal:8080/api/v1/workspaces")
			.remoteAddress(new InetSocketAddress(peer, 40000))
			.header("X-Forwarded-Proto", "https")
			.header("X-Forwarded-Host", "perch.example.com")
			.header("X-Forwarded-Port", "443")
			.header("X-Forwarded-For", "203.0.113.9")
			.build();
	}

}
