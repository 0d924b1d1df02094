package dev.perch.shared.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 address range in CIDR notation; a plain address is a range of one. */
final class AddressRange {

	private final byte[] network;

	private final int prefixLength;

	private final String text;

	private AddressRange(byte[] network, int prefixLength, String text) {
		this.network = network;
		this.prefixLength = prefixLength;
		this.text = text;
	}

	/**
	 * Parses {@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code fd00::/8} or {@code ::1}; host names are refused
	 * (trust must not depend on DNS).
	 */
	static AddressRange parse(String value) {
		String text = value.strip();
		int slash = text.indexOf('/');
		String address = slash < 0 ? text : text.substring(0, slash);
		if (address.isEmpty() || !address.matches("[0-9A-Fa-f.:]+")) {
			throw invalid(text);
		}
		byte[] bytes;
		try {
			bytes = InetAddress.getByName(address).getAddress();
		}
		catch (UnknownHostException ex) {
			throw invalid(text);
		}
		int length = bytes.length * 8;
		if (slash >= 0) {
			try {
				length = Integer.parseInt(text.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				throw invalid(text);
			}
			if (length < 0 || length > bytes.length * 8) {
				throw invalid(text);
			}
		}
		return new AddressRange(mask(bytes, length), length, text);
	}

	boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
	}

	private static byte[] mask(byte[] address, int prefixLength) {
		byte[] masked = address.clone();
		for (int bit = prefixLength; bit < masked.length * 8; bit++) {
			masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
		}
		return masked;
	}

	private static IllegalArgumentException invalid(String text) {
		return new IllegalArgumentException("perch.web.trusted-proxies: '" + text
				+ "' is not an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8");
	}

	@Override
	public String toString() {
		return text;
	}

}
