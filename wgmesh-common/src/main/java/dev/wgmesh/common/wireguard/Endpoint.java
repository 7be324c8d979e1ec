package dev.wgmesh.common.wireguard;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/** Where peers dial a host: {@code address:port}, {@code [v6]:port}, or {@code dns-name:port}. */
public record Endpoint(String host, int port) {

    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    public Endpoint {
        if (port < 1 || port > 65535) {
            throw new InvalidValueException("port " + port + " is out of range 1..65535");
        }
        if (!IpAddresses.isLiteral(host) && !isDnsName(host)) {
            throw InvalidValueException.of("an IP address or DNS name", host, "");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Endpoint parse(String text) {
        if (text == null) {
            throw InvalidValueException.of("an endpoint", null, "");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw InvalidValueException.of("an endpoint", text, "expected [ipv6]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!host.contains(":") || !IpAddresses.isLiteral(host)) {
                throw InvalidValueException.of("an endpoint", text, "not an IPv6 address in brackets");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw InvalidValueException.of("an endpoint", text, "expected address:port ([address]:port for IPv6)");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw InvalidValueException.of("an endpoint", text, "the port must be 1..65535");
        }
        try {
            return new Endpoint(host, Integer.parseInt(port));
        } catch (InvalidValueException e) {
            throw InvalidValueException.of("an endpoint", text, "not an IP address or DNS name");
        }
    }

    /**
     * A DNS name (RFC 1123): at most 253 characters, labels of 1..63 letters, digits and '-' that neither
     * start nor end with '-'. An all-numeric last label is not one (RFC 3696), so 256.1.1.1 is a bad
     * address, not a name.
     */
    private static boolean isDnsName(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        int labelStart = 0;
        boolean numericLabel = true;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length < 1 || length > 63 || host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
                    return false;
                }
                if (i == host.length()) {
                    return !numericLabel;
                }
                labelStart = i + 1;
                numericLabel = true;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
                numericLabel = false;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return false;
    }

    /** The address when the host is an IP literal; empty for a DNS name, which is never looked up here. */
    public Optional<InetAddress> address() {
        return Optional.ofNullable(IpAddresses.parseOrNull(host));
    }

    public Endpoint withPort(int otherPort) {
        return new Endpoint(host, otherPort);
    }

    @JsonValue
    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
