package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.deployer.domain.HostObservation.ObservedInterface;
import dev.wgmesh.deployer.domain.HostObservation.ObservedPeer;
import dev.wgmesh.deployer.domain.HostObservation.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads what {@code wgmesh-apply status} prints, tab-separated, into a {@link HostObservation}:
 * <pre>
 * wgmesh-status	1
 * interface	IF	up|down|missing	PORT|-	PUBLIC-KEY|-	MTU|-
 * file	IF	SHA256-HEX|missing
 * address	IF	ADDRESS/PREFIX
 * peer	IF	PUBLIC-KEY	PSK-SHA256-HEX|none	ENDPOINT|none	ALLOWED-IPS|none	HANDSHAKE	RX	TX	KEEPALIVE|off
 * digest	IF	SHA256-HEX
 * end
 * </pre>
 * and, asked to be brief ({@link #parseBrief}), only each interface's digest and how many of its peers had
 * no handshake since the time it was given:
 * <pre>
 * wgmesh-brief	1
 * interface	IF	SHA256-HEX	STALE-PEERS
 * end
 * </pre>
 * A host may print anything, so everything is checked: an interface's lines come after its interface line,
 * nothing appears twice, and the closing {@code end} must be there (a cut output is not taken for a short one).
 * Errors name the line and quote it.
 */
final class StatusParser {

    static final String HEADER = "wgmesh-status\t1";
    static final String BRIEF_HEADER = "wgmesh-brief\t1";

    /** Enough for the peers of every host a deployer of a 10,000-host fleet owns. */
    private static final int CACHED = 20_000;
    private static final ParsedValues<InterfaceName> NAMES = new ParsedValues<>(InterfaceName::parse, CACHED);
    private static final ParsedValues<PublicKey> KEYS = new ParsedValues<>(PublicKey::parse, CACHED);
    private static final ParsedValues<Endpoint> ENDPOINTS = new ParsedValues<>(Endpoint::parse, CACHED);
    private static final ParsedValues<List<Cidr>> ROUTES = new ParsedValues<>(StatusParser::cidrs, CACHED);

    private StatusParser() {
    }

    /** A line the parser refuses; the observation then is UNKNOWN with this as its reason. */
    static final class StatusFormatException extends IllegalArgumentException {
        StatusFormatException(String message) {
            super(message);
        }
    }

    private static final class Building {
        final InterfaceName name;
        final State state;
        final Integer listenPort;
        final PublicKey publicKey;
        final Integer mtu;
        String fileSha256;
        boolean fileSeen;
        String digest;
        final List<InterfaceAddress> addresses = new ArrayList<>();
        final Map<PublicKey, ObservedPeer> peers = new LinkedHashMap<>();

        Building(InterfaceName name, State state, Integer listenPort, PublicKey publicKey, Integer mtu) {
            this.name = name;
            this.state = state;
            this.listenPort = listenPort;
            this.publicKey = publicKey;
            this.mtu = mtu;
        }
    }

    static HostObservation parse(String text) {
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new StatusFormatException("the status does not start with \"wgmesh-status<TAB>1\": line 1 is "
                    + InvalidValueException.quote(lines[0]));
        }
        Map<InterfaceName, Building> interfaces = new LinkedHashMap<>();
        boolean ended = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() && i == lines.length - 1) {
                break; // the text's last newline
            }
            if (ended) {
                if (!line.isEmpty()) {
                    throw error(i, line, "nothing may follow \"end\"");
                }
                continue;
            }
            String[] fields = line.split("\t", -1);
            try {
                switch (fields[0]) {
                    case "end" -> {
                        expect(fields, 1);
                        ended = true;
                    }
                    case "interface" -> {
                        expect(fields, 6);
                        InterfaceName name = NAMES.parse(fields[1]);
                        if (interfaces.containsKey(name)) {
                            throw new InvalidValueException("interface " + name + " appears twice");
                        }
                        interfaces.put(name, new Building(name, state(fields[2]), orNone(fields[3], "-",
                                StatusParser::port), orNone(fields[4], "-", PublicKey::parse),
                                orNone(fields[5], "-", StatusParser::mtu)));
                    }
                    case "file" -> {
                        expect(fields, 3);
                        Building building = declared(interfaces, fields[1]);
                        if (building.fileSeen) {
                            throw new InvalidValueException("a second file line for " + building.name);
                        }
                        building.fileSeen = true;
                        building.fileSha256 = orNone(fields[2], "missing", StatusParser::sha256);
                    }
                    case "address" -> {
                        expect(fields, 3);
                        declared(interfaces, fields[1]).addresses.add(InterfaceAddress.parse(fields[2]));
                    }
                    case "peer" -> {
                        expect(fields, 10);
                        Building building = declared(interfaces, fields[1]);
                        ObservedPeer peer = new ObservedPeer(KEYS.parse(fields[2]),
                                orNone(fields[3], "none", StatusParser::sha256), orNone(fields[4], "none", ENDPOINTS::parse),
                                fields[5].equals("none") ? List.of() : ROUTES.parse(fields[5]),
                                counter(fields[6]), counter(fields[7]), counter(fields[8]),
                                orNone(fields[9], "off", StatusParser::keepalive));
                        if (building.peers.putIfAbsent(peer.publicKey(), peer) != null) {
                            throw new InvalidValueException("peer appears twice on " + building.name);
                        }
                    }
                    case "digest" -> {
                        expect(fields, 3);
                        Building building = declared(interfaces, fields[1]);
                        if (building.digest != null) {
                            throw new InvalidValueException("a second digest line for " + building.name);
                        }
                        building.digest = sha256(fields[2]);
                    }
                    default -> throw new InvalidValueException("unknown line");
                }
            } catch (InvalidValueException e) {
                throw error(i, line, e.getMessage());
            }
        }
        if (!ended) {
            throw new StatusFormatException("the status has no \"end\" line: it was cut off");
        }
        List<ObservedInterface> result = new ArrayList<>();
        Map<InterfaceName, String> digests = new HashMap<>();
        for (Building b : interfaces.values()) {
            result.add(new ObservedInterface(b.name, b.state, b.listenPort, b.publicKey, b.mtu, b.fileSha256,
                    b.addresses, List.copyOf(b.peers.values()), null));
            if (b.digest != null) {
                digests.put(b.name, b.digest);
            }
        }
        // digests only when every interface has one: a host that leaves one out cannot be asked briefly
        return new HostObservation(result, true, digests.size() == result.size() ? digests : Map.of());
    }

    /** A brief status: each interface's digest and its peers without a handshake since the time asked. */
    record Brief(String digest, int stalePeers) {

        /** Whether a brief status says: the same interfaces with these digests, and no peer stale. */
        static boolean unchanged(Map<InterfaceName, Brief> brief, Map<InterfaceName, String> digests) {
            return brief.size() == digests.size() && digests.entrySet().stream().allMatch(digest -> {
                Brief seen = brief.get(digest.getKey());
                return seen != null && seen.digest().equals(digest.getValue()) && seen.stalePeers() == 0;
            });
        }
    }

    static Map<InterfaceName, Brief> parseBrief(String text) {
        String[] lines = (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1);
        if (!lines[0].equals(BRIEF_HEADER)) {
            throw new StatusFormatException("the brief status does not start with \"wgmesh-brief<TAB>1\": line 1 is "
                    + InvalidValueException.quote(lines[0]));
        }
        int end = lines.length - 1;
        if (end < 1 || !lines[end].equals("end")) {
            throw new StatusFormatException("the brief status does not end with an \"end\" line: it was cut off");
        }
        Map<InterfaceName, Brief> interfaces = new HashMap<>();
        for (int i = 1; i < end; i++) {
            String[] fields = lines[i].split("\t", -1);
            try {
                if (!fields[0].equals("interface")) {
                    throw new InvalidValueException("unknown line");
                }
                expect(fields, 4);
                InterfaceName name = NAMES.parse(fields[1]);
                Brief brief = new Brief(sha256(fields[2]), number(fields[3], 0, 65535, "a number of peers"));
                if (interfaces.put(name, brief) != null) {
                    throw new InvalidValueException("interface " + name + " appears twice");
                }
            } catch (InvalidValueException e) {
                throw error(i, lines[i], e.getMessage());
            }
        }
        return interfaces;
    }

    private static void expect(String[] fields, int count) {
        if (fields.length != count) {
            throw new InvalidValueException("expected " + count + " tab-separated fields, found " + fields.length);
        }
    }

    private static Building declared(Map<InterfaceName, Building> interfaces, String name) {
        Building building = interfaces.get(NAMES.parse(name));
        if (building == null) {
            throw new InvalidValueException("interface " + InvalidValueException.quote(name)
                    + " has no interface line before it");
        }
        return building;
    }

    private static State state(String text) {
        return switch (text) {
            case "up" -> State.UP;
            case "down" -> State.DOWN;
            case "missing" -> State.MISSING;
            default -> throw new InvalidValueException(InvalidValueException.quote(text)
                    + " is not an interface state: up, down or missing");
        };
    }

    private static <T> T orNone(String text, String none, Function<String, T> parse) {
        return text.equals(none) ? null : parse.apply(text);
    }

    private static int port(String text) {
        return number(text, 1, 65535, "a port");
    }

    private static int mtu(String text) {
        return number(text, 576, 65535, "an MTU");
    }

    private static int keepalive(String text) {
        return number(text, 1, 65535, "a keepalive");
    }

    private static int number(String text, int min, int max, String what) {
        if (!digits(text, 5) || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw new InvalidValueException(InvalidValueException.quote(text) + " is not " + what + " (" + min + ".."
                    + max + ")");
        }
        return Integer.parseInt(text);
    }

    private static long counter(String text) {
        if (!digits(text, 19)) {
            throw new InvalidValueException(InvalidValueException.quote(text) + " is not a count");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidValueException(InvalidValueException.quote(text) + " is too large");
        }
    }

    private static String sha256(String text) {
        boolean hex = text.length() == 64;
        for (int i = 0; hex && i < 64; i++) {
            char c = text.charAt(i);
            hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
        }
        if (!hex) {
            throw new InvalidValueException("not a SHA-256 in lower-case hex");
        }
        return text;
    }

    /*
     * Plain loops, not regular expressions or streams: a host of a 1,000-host mesh prints 4,000 numbers and
     * 1,000 hashes, and a deployer reads one such host every 30 ms.
     */
    private static boolean digits(String text, int most) {
        boolean digits = !text.isEmpty() && text.length() <= most;
        for (int i = 0; digits && i < text.length(); i++) {
            digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
        }
        return digits;
    }

    /** A peer has one or two allowed IPs, so a list beats a set for dropping a repeated one. */
    private static List<Cidr> cidrs(String text) {
        List<Cidr> cidrs = new ArrayList<>(2);
        for (String part : text.split(",", -1)) {
            Cidr cidr = Cidr.parse(part);
            if (!cidrs.contains(cidr)) {
                cidrs.add(cidr);
            }
        }
        return List.copyOf(cidrs);
    }

    private static StatusFormatException error(int index, String line, String why) {
        return new StatusFormatException("status line " + (index + 1) + ", " + InvalidValueException.quote(line) + ": "
                + why);
    }
}
