package dev.perch.shared.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which peers may tell Perch, through {@code Forwarded} or {@code X-Forwarded-*} headers, the scheme, host,
 * port, prefix and client address of a request: a reverse proxy in front of it.
 *
 * @param trustedProxies IP addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}); forwarded headers
 * from any other peer are removed unread. Loopback by default (a proxy on the same host); empty trusts none
 */
@ConfigurationProperties("perch.web")
public record TrustedProxiesProperties(@DefaultValue({ "127.0.0.0/8", "::1/128" }) List<String> trustedProxies) {
}
