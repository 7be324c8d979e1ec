package dev.wgmesh.common.wireguard;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a wg-quick .conf file back into values, one small parser per key as wireguard-tools does;
 * errors name the line and quote the value.
 */
public final class WgConfigParser {

    private static final Pattern NUMBER = Pattern.compile("\\d{1,5}");

    /** A config file as read: the interface's values, its secrets and its peers. */
    public record ParsedConfig(List<InterfaceAddress> addresses, Integer listenPort, Integer mtu,
                               SecretKey privateKey, List<ParsedPeer> peers) {
    }

    public record ParsedPeer(PublicKey publicKey, SecretKey presharedKey, List<Cidr> allowedIps,
                             Endpoint endpoint, Integer persistentKeepalive) {
    }

    private WgConfigParser() {
    }

    public static ParsedConfig parse(String text) {
        List<InterfaceAddress> addresses = new ArrayList<>();
        Integer listenPort = null;
        Integer mtu = null;
        SecretKey privateKey = null;
        List<ParsedPeer> peers = new ArrayList<>();
        PeerBuilder peer = null;
        String section = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.equalsIgnoreCase("[Interface]") || line.equalsIgnoreCase("[Peer]")) {
                if (peer != null) {
                    peers.add(peer.build(i));
                }
                section = line.substring(1, line.length() - 1).toLowerCase();
                peer = section.equals("peer") ? new PeerBuilder() : null;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0 || section == null) {
                throw error(i, line, "expected Key = Value inside [Interface] or [Peer]");
            }
            String key = line.substring(0, eq).strip().toLowerCase();
            String value = line.substring(eq + 1).strip();
            try {
                if (section.equals("interface")) {
                    switch (key) {
                        case "address" -> {
                            for (String part : value.split(",")) {
                                addresses.add(InterfaceAddress.parse(part.strip()));
                            }
                        }
                        case "listenport" -> listenPort = parsePort(value);
                        case "mtu" -> mtu = parseNumber(value, 576, 65535);
                        case "privatekey" -> privateKey = SecretKey.parse(value);
                        default -> throw new InvalidValueException("unknown key in [Interface]");
                    }
                } else {
                    switch (key) {
                        case "publickey" -> peer.publicKey = PublicKey.parse(value);
                        case "presharedkey" -> peer.presharedKey = SecretKey.parse(value);
                        case "allowedips" -> {
                            for (String part : value.split(",")) {
                                peer.allowedIps.add(Cidr.parse(part.strip()));
                            }
                        }
                        case "endpoint" -> peer.endpoint = Endpoint.parse(value);
                        case "persistentkeepalive" -> peer.persistentKeepalive = parseNumber(value, 0, 65535);
                        default -> throw new InvalidValueException("unknown key in [Peer]");
                    }
                }
            } catch (InvalidValueException e) {
                // a key's value may be a secret: name the line, never quote it
                String why = key.endsWith("key") ? "not a valid WireGuard key" : e.getMessage();
                throw error(i, line.substring(0, eq).strip(), why);
            }
        }
        if (peer != null) {
            peers.add(peer.build(lines.length));
        }
        return new ParsedConfig(List.copyOf(addresses), listenPort, mtu, privateKey, List.copyOf(peers));
    }

    private static int parsePort(String value) {
        return parseNumber(value, 1, 65535);
    }

    private static int parseNumber(String value, int min, int max) {
        if (!NUMBER.matcher(value).matches() || Integer.parseInt(value) < min || Integer.parseInt(value) > max) {
            throw InvalidValueException.of("a number in " + min + ".." + max, value, "");
        }
        return Integer.parseInt(value);
    }

    private static InvalidValueException error(int line, String text, String why) {
        return new InvalidValueException("line " + (line + 1) + ", " + InvalidValueException.quote(text) + ": " + why);
    }

    private static final class PeerBuilder {
        PublicKey publicKey;
        SecretKey presharedKey;
        final List<Cidr> allowedIps = new ArrayList<>();
        Endpoint endpoint;
        Integer persistentKeepalive;

        ParsedPeer build(int line) {
            if (publicKey == null) {
                throw error(line - 1, "[Peer]", "a peer without PublicKey");
            }
            return new ParsedPeer(publicKey, presharedKey, List.copyOf(allowedIps), endpoint, persistentKeepalive);
        }
    }
}
