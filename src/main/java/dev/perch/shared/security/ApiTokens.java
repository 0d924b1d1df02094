package dev.perch.shared.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The API token, kept in memory only as its SHA-256. It comes from configuration, or, on a first start
 * without one, is generated, logged once and written to an owner-only file under Perch's home.
 */
@Component
class ApiTokens {

	private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

	private final byte[] hash;

	ApiTokens(SecurityProperties properties) {
		this.hash = properties.enabled() ? resolve(properties) : new byte[0];
	}

	boolean matches(String presented) {
		return hash.length > 0 && MessageDigest.isEqual(hash, sha256(presented));
	}

	private static byte[] resolve(SecurityProperties properties) {
		if (properties.token() != null && !properties.token().isBlank()) {
			return sha256(properties.token().strip());
		}
		if (properties.tokenSha256() != null && !properties.tokenSha256().isBlank()) {
			return HexFormat.of().parseHex(properties.tokenSha256().strip().toLowerCase());
		}
		return sha256(readOrGenerate(properties.tokenFile()));
	}

	private static String readOrGenerate(Path file) {
		try {
			if (Files.isRegularFile(file)) {
				return Files.readString(file).strip();
			}
			byte[] random = new byte[32];
			new SecureRandom().nextBytes(random);
			String token = "perch_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, token + "\n");
			ownerOnly(file);
			log.warn("Generated an API token (shown once; also stored owner-only in {}): {}", file, token);
			return token;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read or write the API token file " + file, ex);
		}
	}

	private static void ownerOnly(Path file) throws IOException {
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			log.debug("No POSIX permissions on this file system for {}", file);
		}
	}

	static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JRE", ex);
		}
	}

}
