package dev.perch.shared.settings;

/** An inclusive range of TCP ports, written {@code first-last}, e.g. {@code 4100-4199}. */
public record PortRange(int first, int last) {

	public PortRange {
		if (first < 1024 || last > 65535 || first > last) {
			throw new IllegalArgumentException("a port range is first-last with 1024 <= first <= last <= 65535");
		}
	}

	public static PortRange parse(String text) {
		String[] parts = text.strip().split("-", -1);
		if (parts.length != 2) {
			throw new IllegalArgumentException("a port range is written first-last, e.g. 4100-4199");
		}
		try {
			return new PortRange(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("a port range is written first-last, e.g. 4100-4199");
		}
	}

	/** For property binding: {@code perch.x.ports=4100-4199}. */
	public static PortRange valueOf(String text) {
		return parse(text);
	}

	public boolean contains(int port) {
		return port >= first && port <= last;
	}

	/** Whether nothing listens on {@code port} of 127.0.0.1 right now (a bind test, released at once). */
	public static boolean isFreeOnLoopback(int port) {
		try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

	public int size() {
		return last - first + 1;
	}

	@Override
	public String toString() {
		return first + "-" + last;
	}

}
