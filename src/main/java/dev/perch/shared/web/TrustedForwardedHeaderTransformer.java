package dev.perch.shared.web;

import java.net.InetSocketAddress;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * Forwarded headers ({@code Forwarded}, {@code X-Forwarded-Host/Port/Proto/Prefix/For}) are applied to the
 * request only when its peer is a trusted proxy ({@code perch.web.trusted-proxies}); from anyone else they are
 * removed before any filter or handler sees them. The web handler applies the bean of this name to every
 * request; {@code server.forward-headers-strategy} stays {@code none} so the server itself trusts nobody.
 */
@Component(WebHttpHandlerBuilder.FORWARDED_HEADER_TRANSFORMER_BEAN_NAME)
class TrustedForwardedHeaderTransformer extends ForwardedHeaderTransformer {

	private static final Logger log = LoggerFactory.getLogger(TrustedForwardedHeaderTransformer.class);

	private final ForwardedHeaderTransformer remover = new ForwardedHeaderTransformer(true);

	private final List<AddressRange> trusted;

	TrustedForwardedHeaderTransformer(TrustedProxiesProperties properties) {
		this.trusted = properties.trustedProxies().stream().filter(value -> !value.isBlank()).map(AddressRange::parse)
			.toList();
		log.info("Forwarded headers are trusted from {}", trusted.isEmpty() ? "no peer" : trusted);
	}

	@Override
	public ServerHttpRequest apply(ServerHttpRequest request) {
		return trusts(request.getRemoteAddress()) ? super.apply(request) : remover.apply(request);
	}

	private boolean trusts(@Nullable InetSocketAddress peer) {
		if (peer == null || peer.getAddress() == null) {
			return false;
		}
		return trusted.stream().anyMatch(range -> range.contains(peer.getAddress()));
	}

}
