package dev.wgmesh.common.group;

import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns a group's JSON body (the PUT body, or a change request on the commands topic) into a
 * {@link HostGroupSpec}, collecting every problem instead of stopping at the first. Hosts may be given
 * in wgmesh's own form or as Hoster Command Center records ({@code hostname} and a {@code wg} object).
 * Slots are given in list order; config-service then keeps the slots of hosts it already knows.
 */
public final class HostGroupParser {

    private static final Pattern NET_MASK = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern INTERFACE_SUFFIX = Pattern.compile("[a-zA-Z0-9_=+.-]{1,12}");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");

    /** A group's top-level fields: the one list of them. */
    public static final Set<String> GROUP_FIELDS = Set.of(
            "topology", "tunnelNetwork", "mtu", "persistentKeepalive", "presharedKeys", "allowBroadRoutes", "driftPolicy",
            "keyRotation", "rollout",
            "hosts");
    /** Where a group file names its JSON Schema (docs/schemas/group.json), for editors; ignored. */
    public static final String SCHEMA_FIELD = "$schema";
    private static final Set<String> HOST_FIELDS = Set.of(
            "name", "endpoint", "internalNetworks", "tunnelSegment", "interfaceSuffix", "os");

    /** The spec, or the problems; {@code paths} names each host's fields as the request named them. */
    public record Result(HostGroupSpec spec, Map<HostName, HostPaths> paths, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private HostGroupParser() {
    }

    /**
     * @param body        the JSON object
     * @param otherFields top-level fields the caller handles itself (such as {@code revision})
     */
    public static Result parse(JsonNode body, Set<String> otherFields) {
        List<Problem> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            problems.add(new Problem("$", json(body), "the body must be a JSON object with the group's settings and hosts"));
            return new Result(null, Map.of(), problems);
        }
        for (String field : body.propertyNames()) {
            if (!GROUP_FIELDS.contains(field) && !otherFields.contains(field) && !field.equals(SCHEMA_FIELD)) {
                problems.add(new Problem(field, null, "unknown field " + InvalidValueException.quote(field)
                        + "; known fields are " + GROUP_FIELDS));
            }
        }
        Topology topology = parseTopology(body.get("topology"), problems);
        Cidr tunnelNetwork = null;
        JsonNode tunnel = body.get("tunnelNetwork");
        if (topology == Topology.MESH) {
            tunnelNetwork = value(tunnel, "tunnelNetwork", problems, true, Cidr::parse);
            if (tunnelNetwork != null && !tunnelNetwork.isIpv4()) {
                problems.add(new Problem("tunnelNetwork", json(tunnel), "the tunnel network must be IPv4"));
                tunnelNetwork = null;
            }
        } else if (tunnel != null && !tunnel.isNull()) {
            problems.add(new Problem("tunnelNetwork", json(tunnel),
                    "tunnelNetwork is for the mesh topology; hoster takes each host's tunnelSegment"));
        }
        Integer mtu = integer(body.get("mtu"), "mtu", 1280, 9000, problems);
        Integer keepalive = integer(body.get("persistentKeepalive"), "persistentKeepalive", 0, 65535, problems);
        boolean presharedKeys = bool(body.get("presharedKeys"), "presharedKeys", true, problems);
        boolean allowBroadRoutes = bool(body.get("allowBroadRoutes"), "allowBroadRoutes", false, problems);
        DriftPolicy driftPolicy = parseDriftPolicy(body.get("driftPolicy"), problems);
        KeyRotation keyRotation = KeyRotation.parse(body.get("keyRotation"), problems);
        Rollout rollout = Rollout.parse(body.get("rollout"), problems);
        Map<HostName, HostPaths> paths = new LinkedHashMap<>();
        List<Host> hosts = parseHosts(body.get("hosts"), topology, problems, paths);
        if (!problems.isEmpty() || topology == null) {
            return new Result(null, paths, problems);
        }
        return new Result(new HostGroupSpec(topology, tunnelNetwork, mtu, keepalive, presharedKeys, allowBroadRoutes,
                driftPolicy, keyRotation, rollout, hosts),
                paths, problems);
    }

    private static Topology parseTopology(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return Topology.HOSTER;
        }
        if (node.isString()) {
            for (Topology topology : Topology.values()) {
                if (topology.json().equals(node.stringValue())) {
                    return topology;
                }
            }
        }
        problems.add(new Problem("topology", json(node), "must be \"hoster\" or \"mesh\""));
        return null;
    }

    private static DriftPolicy parseDriftPolicy(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return DriftPolicy.REPAIR;
        }
        try {
            return DriftPolicy.parse(node.isString() ? node.stringValue() : null);
        } catch (InvalidValueException e) {
            problems.add(new Problem("driftPolicy", json(node), "must be \"repair\" or \"report\""));
            return DriftPolicy.REPAIR;
        }
    }

    private static List<Host> parseHosts(JsonNode node, Topology topology, List<Problem> problems,
                                         Map<HostName, HostPaths> paths) {
        List<Host> hosts = new ArrayList<>();
        if (node == null || !node.isArray() || node.isEmpty()) {
            problems.add(new Problem("hosts", json(node), "must be a list of at least one host"));
            return hosts;
        }
        if (topology != null && node.size() > Layout.maxHosts(topology)) {
            problems.add(new Problem("hosts", null, "has " + node.size() + " hosts; the " + topology.json()
                    + " topology takes at most " + Layout.maxHosts(topology)));
            return hosts;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode hostNode = node.get(i);
            String prefix = "hosts[" + i + "]";
            if (!hostNode.isObject()) {
                problems.add(new Problem(prefix, json(hostNode), "a host must be a JSON object"));
                continue;
            }
            HostPaths hostPaths = hostNode.has("wg") || hostNode.has("hostname")
                    ? HostPaths.hoster(prefix) : HostPaths.ownForm(prefix);
            Host host = hostPaths.hosterRecord() ? parseHosterRecord(hostNode, hostPaths, i + 1, topology, problems)
                    : parseHost(hostNode, hostPaths, i + 1, topology, problems);
            if (host != null) {
                if (paths.containsKey(host.name())) {
                    problems.add(new Problem(hostPaths.name(), "\"" + host.name() + "\"", "host "
                            + InvalidValueException.quote(host.name().value()) + " appears twice; host names are unique in a group"));
                } else {
                    paths.put(host.name(), hostPaths);
                    hosts.add(host);
                }
            }
        }
        return hosts;
    }

    private static Host parseHost(JsonNode node, HostPaths paths, int slot, Topology topology, List<Problem> problems) {
        int before = problems.size();
        for (String field : node.propertyNames()) {
            if (!HOST_FIELDS.contains(field)) {
                problems.add(new Problem(paths.prefix() + "." + field, null, "unknown field "
                        + InvalidValueException.quote(field) + "; known fields are " + HOST_FIELDS));
            }
        }
        HostName name = value(node.get("name"), paths.name(), problems, true, HostName::parse);
        Endpoint endpoint = value(node.get("endpoint"), paths.endpoint(), problems, true, Endpoint::parse);
        List<Cidr> internal = cidrs(node.get("internalNetworks"), paths.internalNetworks(), problems);
        InterfaceAddress segment = segment(node.get("tunnelSegment"), paths.tunnelSegment(), topology, problems);
        String suffix = suffix(node.get("interfaceSuffix"), paths.interfaceSuffix(), topology, problems);
        HostOs os = os(node.get("os"), paths.prefix() + ".os", problems);
        return problems.size() > before ? null : new Host(name, slot, endpoint, internal, segment, suffix, os);
    }

    /** A Hoster Command Center record: hostname plus a wg object; its other fields are ignored, never kept. */
    private static Host parseHosterRecord(JsonNode node, HostPaths paths, int slot, Topology topology,
                                          List<Problem> problems) {
        int before = problems.size();
        JsonNode nameNode = node.has("hostname") ? node.get("hostname") : node.get("name");
        HostName name = value(nameNode, paths.name(), problems, true, HostName::parse);
        JsonNode wg = node.get("wg");
        if (wg == null || !wg.isObject()) {
            problems.add(new Problem(paths.prefix() + ".wg", json(wg), "a Hoster record needs its wg object"));
            return null;
        }
        Endpoint endpoint = hosterEndpoint(wg, paths, problems);
        List<Cidr> internal = cidrs(wg.get("allowed_subnets"), paths.internalNetworks(), problems);
        InterfaceAddress segment = null;
        JsonNode address = wg.get("net_segment");
        if (topology == Topology.HOSTER || (address != null && !address.isNull())) {
            Integer mask = netMask(wg.get("net_mask"), paths.prefix() + ".wg.net_mask", problems);
            if (address == null || !address.isString()) {
                problems.add(new Problem(paths.tunnelSegment(), json(address), "the hoster topology needs the host's net_segment, an IPv4 address"));
            } else if (mask != null) {
                segment = value(address, paths.tunnelSegment(), problems, true,
                        text -> InterfaceAddress.parse(text + "/" + mask));
            }
        }
        String suffix = suffix(wg.get("interface_suffix"), paths.interfaceSuffix(), topology, problems);
        HostOs os = os(node.get("os"), paths.prefix() + ".os", problems);
        if (topology == Topology.MESH) {
            segment = null;
        }
        return problems.size() > before ? null : new Host(name, slot, endpoint, internal, segment, suffix, os);
    }

    private static Endpoint hosterEndpoint(JsonNode wg, HostPaths paths, List<Problem> problems) {
        JsonNode address = wg.get("endpoint_address");
        JsonNode port = wg.get("endpoint_port");
        Integer portNumber = integer(port, paths.prefix() + ".wg.endpoint_port", 1, 65535, problems);
        if (port == null || port.isNull()) {
            problems.add(new Problem(paths.prefix() + ".wg.endpoint_port", null, "is required"));
        }
        if (address == null || !address.isString()) {
            problems.add(new Problem(paths.endpoint(), json(address), "is required: the address other hosts dial"));
            return null;
        }
        if (portNumber == null) {
            return null;
        }
        String host = address.stringValue();
        String text = host.contains(":") ? "[" + host + "]:" + portNumber : host + ":" + portNumber;
        return value(address, paths.endpoint(), problems, true, ignored -> Endpoint.parse(text));
    }

    private static Integer netMask(JsonNode node, String path, List<Problem> problems) {
        if (node != null && node.isString() && NET_MASK.matcher(node.stringValue()).matches()) {
            long bits = 0;
            boolean octets = true;
            for (String part : node.stringValue().split("\\.")) {
                int octet = Integer.parseInt(part);
                octets &= octet <= 255;
                bits = bits << 8 | (octet & 0xff);
            }
            int prefix = Long.bitCount(bits);
            if (octets && prefix >= 1 && bits == (0xffffffffL << (32 - prefix) & 0xffffffffL)) {
                return prefix;
            }
            problems.add(new Problem(path, json(node), json(node) + " is not a contiguous netmask such as 255.255.255.0"));
            return null;
        }
        if (node == null || node.isNull()) {
            problems.add(new Problem(path, null, "is required with net_segment"));
            return null;
        }
        return integer(node, path, 1, 32, problems);
    }

    private static InterfaceAddress segment(JsonNode node, String path, Topology topology, List<Problem> problems) {
        if (topology != Topology.HOSTER) {
            if (node != null && !node.isNull()) {
                problems.add(new Problem(path, json(node), "tunnelSegment is for the hoster topology; mesh takes tunnelNetwork"));
            }
            return null;
        }
        InterfaceAddress segment = value(node, path, problems, true, InterfaceAddress::parse);
        if (segment != null && segment.address().getAddress().length != 4) {
            problems.add(new Problem(path, json(node), "the tunnel segment must be IPv4"));
            return null;
        }
        return segment;
    }

    private static String suffix(JsonNode node, String path, Topology topology, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (topology == Topology.MESH) {
            return null;
        }
        if (!node.isString() || !INTERFACE_SUFFIX.matcher(node.stringValue()).matches()) {
            problems.add(new Problem(path, json(node), json(node) + " is not an interface suffix: wg-<suffix> names the"
                    + " interface, at most 15 characters, so 1..12 characters of a-z, A-Z, 0-9, _=+.-"));
            return null;
        }
        return node.stringValue();
    }

    private static HostOs os(JsonNode node, String path, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return HostOs.LINUX;
        }
        for (HostOs os : HostOs.values()) {
            if (node.isString() && os.json().equals(node.stringValue())) {
                return os;
            }
        }
        problems.add(new Problem(path, json(node), "must be \"linux\" or \"freebsd\""));
        return null;
    }

    private static List<Cidr> cidrs(JsonNode node, String path, List<Problem> problems) {
        List<Cidr> cidrs = new ArrayList<>();
        if (node == null || node.isNull()) {
            return cidrs;
        }
        if (!node.isArray()) {
            problems.add(new Problem(path, json(node), "must be a list of CIDRs such as [\"10.10.101.0/24\"]"));
            return cidrs;
        }
        for (int i = 0; i < node.size(); i++) {
            Cidr cidr = value(node.get(i), path + "[" + i + "]", problems, true, Cidr::parse);
            if (cidr != null) {
                cidrs.add(cidr);
            }
        }
        return cidrs;
    }

    private static boolean bool(JsonNode node, String path, boolean absent, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isBoolean()) {
            problems.add(new Problem(path, json(node), "must be true or false"));
            return absent;
        }
        return node.booleanValue();
    }

    private static Integer integer(JsonNode node, String path, int min, int max, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        boolean numericString = node.isString() && NUMBER.matcher(node.stringValue()).matches();
        if ((node.isIntegralNumber() && node.canConvertToInt()) || numericString) {
            int value = numericString ? Integer.parseInt(node.stringValue()) : node.intValue();
            if (value >= min && value <= max) {
                return value;
            }
        }
        problems.add(new Problem(path, json(node), json(node) + " is not a whole number in " + min + ".." + max));
        return null;
    }

    /** Parses a string field with a value type's parser, turning its error into a problem. */
    private static <T> T value(JsonNode node, String path, List<Problem> problems, boolean required,
                               Function<String, T> parser) {
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(new Problem(path, null, "is required"));
            }
            return null;
        }
        if (!node.isString()) {
            problems.add(new Problem(path, json(node), json(node) + " must be a string"));
            return null;
        }
        try {
            return parser.apply(node.stringValue());
        } catch (InvalidValueException e) {
            problems.add(new Problem(path, json(node), e.getMessage()));
            return null;
        }
    }

    /** The value as compact JSON text, cut when long, so problems quote what was sent. */
    static String json(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        String text = node.toString();
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
