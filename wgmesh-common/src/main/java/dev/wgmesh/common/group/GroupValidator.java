package dev.wgmesh.common.group;

import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks that need the whole group and its slots: overlapping networks, duplicate endpoints, port
 * collisions, addresses that leave their network, interface names, broad routes. Run after slots are assigned.
 */
public final class GroupValidator {

    /**
     * A host's internal networks become routes on its peers: a shorter prefix would draw much of their
     * traffic into the tunnel ({@code ::/0} all of their IPv6), unless the group allows broad routes.
     */
    static final int MIN_IPV4_PREFIX = 8;
    static final int MIN_IPV6_PREFIX = 32;

    private GroupValidator() {
    }

    public static List<Problem> validate(HostGroupSpec spec, Map<HostName, HostPaths> paths) {
        List<Problem> problems = new ArrayList<>();
        Map<HostName, HostPaths> named = new HashMap<>(paths);
        for (int i = 0; i < spec.hosts().size(); i++) {
            named.putIfAbsent(spec.hosts().get(i).name(), HostPaths.ownForm("hosts[" + i + "]"));
        }
        checkEndpoints(spec, named, problems);
        checkOverlaps(spec, named, problems);
        if (!spec.allowBroadRoutes()) {
            checkRoutes(spec, named, problems);
        }
        if (spec.topology() == Topology.HOSTER) {
            checkHoster(spec, named, problems);
        } else {
            checkMesh(spec, problems);
        }
        return problems;
    }

    private static void checkEndpoints(HostGroupSpec spec, Map<HostName, HostPaths> paths, List<Problem> problems) {
        // ports every host listens on, by endpoint address: two hosts behind one address must not share one
        Map<String, Map<Integer, Host>> portsByAddress = new HashMap<>();
        for (Host host : spec.hosts()) {
            Map<Integer, Host> ports = portsByAddress.computeIfAbsent(host.endpoint().host().toLowerCase(), a -> new HashMap<>());
            for (int port : listenPorts(spec, host)) {
                Host other = ports.putIfAbsent(port, host);
                if (other != null && other != host) {
                    String path = paths.get(host.name()).endpoint();
                    problems.add(new Problem(path, "\"" + host.endpoint() + "\"", "host "
                            + InvalidValueException.quote(host.name().value()) + " and host "
                            + InvalidValueException.quote(other.name().value()) + " would both listen on "
                            + host.endpoint().withPort(port) + "; give them different addresses or ports far enough apart"));
                    break;
                }
            }
        }
    }

    private static Set<Integer> listenPorts(HostGroupSpec spec, Host host) {
        Set<Integer> ports = new TreeSet<>();
        if (spec.topology() == Topology.MESH) {
            ports.add(Layout.meshPort(host));
            return ports;
        }
        for (Host owner : spec.hosts()) {
            boolean member = owner.slot() < host.slot() || (owner == host && hasLaterHost(spec, host));
            if (member) {
                ports.add(Layout.hosterPort(host, owner));
            }
        }
        return ports;
    }

    private static boolean hasLaterHost(HostGroupSpec spec, Host host) {
        return spec.hosts().get(spec.hosts().size() - 1).slot() > host.slot();
    }

    private static void checkOverlaps(HostGroupSpec spec, Map<HostName, HostPaths> paths, List<Problem> problems) {
        List<Claim> claims = new ArrayList<>();
        for (Host host : spec.hosts()) {
            HostPaths hostPaths = paths.get(host.name());
            for (int i = 0; i < host.internalNetworks().size(); i++) {
                claims.add(claim(host.internalNetworks().get(i), hostPaths.internalNetworks() + "[" + i + "]"));
            }
            if (host.tunnelSegment() != null) {
                claims.add(claim(host.tunnelSegment().network(), hostPaths.tunnelSegment()));
            }
        }
        if (spec.tunnelNetwork() != null) {
            claims.add(claim(spec.tunnelNetwork(), "tunnelNetwork"));
        }
        claims.sort(Comparator.comparing((Claim c) -> c.cidr().isIpv4()).thenComparing(Claim::start));
        Claim widest = null;
        for (Claim claim : claims) {
            if (widest != null && widest.cidr().isIpv4() == claim.cidr().isIpv4()
                    && claim.start().compareTo(widest.end()) <= 0) {
                problems.add(new Problem(claim.path(), "\"" + claim.cidr() + "\"", "\"" + claim.cidr()
                        + "\" overlaps \"" + widest.cidr() + "\" at " + widest.path()
                        + "; every network of a group must be distinct"));
            }
            if (widest == null || widest.cidr().isIpv4() != claim.cidr().isIpv4() || claim.end().compareTo(widest.end()) > 0) {
                widest = claim;
            }
        }
    }

    /** Internal networks that are too broad, or that cover another host's endpoint (a name is not resolved). */
    private static void checkRoutes(HostGroupSpec spec, Map<HostName, HostPaths> paths, List<Problem> problems) {
        // hosts by endpoint address, IPv4 and IPv6 apart, so each network finds the endpoints it covers at once
        Map<Boolean, NavigableMap<BigInteger, List<Host>>> endpoints = Map.of(true, new TreeMap<>(), false, new TreeMap<>());
        for (Host host : spec.hosts()) {
            host.endpoint().address().map(Cidr::host).ifPresent(address -> endpoints.get(address.isIpv4())
                    .computeIfAbsent(claim(address, "").start(), a -> new ArrayList<>()).add(host));
        }
        for (Host host : spec.hosts()) {
            String name = InvalidValueException.quote(host.name().value());
            for (int i = 0; i < host.internalNetworks().size(); i++) {
                Cidr network = host.internalNetworks().get(i);
                String path = paths.get(host.name()).internalNetworks() + "[" + i + "]";
                int min = network.isIpv4() ? MIN_IPV4_PREFIX : MIN_IPV6_PREFIX;
                if (network.prefix() < min) {
                    problems.add(new Problem(path, quoted(network.toString()), "\"" + network + "\" is shorter than /"
                            + min + ": the peers of host " + name + " would send it all their traffic to that range;"
                            + " list narrower networks, or set \"allowBroadRoutes\": true for the group"));
                    continue;
                }
                Claim range = claim(network, path);
                endpoints.get(network.isIpv4()).subMap(range.start(), true, range.end(), true).values().stream()
                        .flatMap(List::stream).filter(other -> other != host).findFirst()
                        .ifPresent(other -> problems.add(new Problem(path, quoted(network.toString()), "\"" + network
                                + "\" covers " + other.endpoint().host() + ", the endpoint of host "
                                + InvalidValueException.quote(other.name().value()) + ": peers would route that host's"
                                + " tunnel into the tunnel of host " + name + "; leave its address out, or set"
                                + " \"allowBroadRoutes\": true for the group")));
            }
        }
    }

    private static void checkHoster(HostGroupSpec spec, Map<HostName, HostPaths> paths, List<Problem> problems) {
        Map<String, Host> names = new HashMap<>();
        int lastSlot = spec.hosts().get(spec.hosts().size() - 1).slot();
        for (Host owner : spec.hosts()) {
            HostPaths ownerPaths = paths.get(owner.name());
            if (owner.tunnelSegment() == null) {
                problems.add(new Problem(ownerPaths.tunnelSegment(), null, "the hoster topology needs every host's tunnelSegment"));
                continue;
            }
            String name = Layout.hosterInterfaceName(owner);
            Host clash = names.putIfAbsent(name, owner);
            if (clash != null) {
                problems.add(new Problem(ownerPaths.interfaceSuffix(), quoted(owner.interfaceSuffix()), "interface name "
                        + InvalidValueException.quote(name) + " is taken by host " + InvalidValueException.quote(clash.name().value())));
            }
            Cidr network = owner.tunnelSegment().network();
            InterfaceAddress first = owner.tunnelSegment();
            if (!usable(network, first)) {
                problems.add(new Problem(ownerPaths.tunnelSegment(), quoted(first.toString()), "\"" + first
                        + "\" is the network or broadcast address of " + network));
                continue;
            }
            long needed = (long) lastSlot - owner.slot();
            try {
                InterfaceAddress last = first.plus(needed);
                if (!usable(network, last)) {
                    throw new InvalidValueException("out of the network");
                }
            } catch (InvalidValueException e) {
                problems.add(new Problem(ownerPaths.tunnelSegment(), quoted(first.toString()), "the network of host "
                        + InvalidValueException.quote(owner.name().value()) + " needs " + (needed + 1)
                        + " addresses from " + first + " on, more than " + network + " has left"));
            }
            int highest = listenPorts(spec, owner).stream().mapToInt(Integer::intValue).max().orElse(0);
            if (highest > 65535) {
                problems.add(new Problem(ownerPaths.endpoint(), quoted(owner.endpoint().toString()), "host "
                        + InvalidValueException.quote(owner.name().value()) + " needs listen ports up to " + highest
                        + " (its endpoint port + slot - 1 per network), above 65535"));
            }
        }
    }

    private static void checkMesh(HostGroupSpec spec, List<Problem> problems) {
        Cidr network = spec.tunnelNetwork();
        Host last = spec.hosts().get(spec.hosts().size() - 1);
        try {
            if (!usable(network, Layout.meshAddress(network, last))) {
                throw new InvalidValueException("out of the network");
            }
        } catch (InvalidValueException e) {
            problems.add(new Problem("tunnelNetwork", quoted(network.toString()), "\"" + network
                    + "\" has too few addresses for slot " + last.slot() + "; use a larger network"));
        }
    }

    /** Inside the network, and neither its network nor its broadcast address (where those exist). */
    private static boolean usable(Cidr network, InterfaceAddress address) {
        if (!network.contains(address.address())) {
            return false;
        }
        if (network.bits() - network.prefix() < 2) {
            return true;
        }
        Claim range = claim(network, "");
        BigInteger number = new BigInteger(1, address.address().getAddress());
        return !number.equals(range.start()) && !number.equals(range.end());
    }

    /** A network some field of the group claims, as a range of addresses. */
    private record Claim(Cidr cidr, String path, BigInteger start, BigInteger end) {
    }

    private static Claim claim(Cidr cidr, String path) {
        BigInteger start = new BigInteger(1, cidr.network().getAddress());
        return new Claim(cidr, path, start, start.add(BigInteger.ONE.shiftLeft(cidr.bits() - cidr.prefix())).subtract(BigInteger.ONE));
    }

    private static String quoted(String text) {
        return text == null ? null : "\"" + text + "\"";
    }
}
