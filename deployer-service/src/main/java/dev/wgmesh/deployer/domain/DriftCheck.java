package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.crypto.KeyIds;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.deployer.domain.ExpectedHost.ExpectedInterface;
import dev.wgmesh.deployer.domain.HostObservation.ObservedInterface;
import dev.wgmesh.deployer.domain.HostObservation.ObservedPeer;
import dev.wgmesh.deployer.domain.HostObservation.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares what a host runs with what it should: {@code MISSING} when a declared interface or file is
 * not there, {@code DRIFTED} when something else differs, each difference in a short line that names
 * peers by host and holds no secret. Not drift: where a peer's packets come from (WireGuard follows a
 * roaming peer, so its endpoint moves), and the order of peers, addresses and AllowedIPs.
 */
final class DriftCheck {

    record Result(Drift drift, List<String> differences) {
    }

    private DriftCheck() {
    }

    static Result compare(ExpectedHost expected, HostObservation observed) {
        List<String> missing = new ArrayList<>();
        List<String> drifted = new ArrayList<>();
        Set<InterfaceName> declared = new HashSet<>();
        for (ExpectedInterface want : expected.interfaces()) {
            InterfaceName name = want.config().name();
            declared.add(name);
            ObservedInterface seen = observed.find(name).orElse(null);
            if (seen == null || seen.state() == State.MISSING) {
                missing.add(name + (observed.runtime() ? ": interface missing" : ": file missing"));
                continue;
            }
            if (seen.fileSha256() == null) {
                missing.add(name + ": file missing");
            } else if (!seen.fileSha256().equals(want.fileSha256())) {
                drifted.add(name + ": file differs from the declared one");
            }
            switch (seen.state()) {
                case AS_DECLARED -> { }
                case DOWN -> drifted.add(name + ": interface down");
                case UNREADABLE -> drifted.add(name + ": file is not a valid config: " + seen.problem());
                default -> compareRunning(want, seen, drifted);
            }
        }
        for (ObservedInterface seen : observed.interfaces()) {
            if (!declared.contains(seen.name()) && seen.state() != State.MISSING) {
                drifted.add(seen.name() + ": interface not declared");
            }
        }
        List<String> differences = new ArrayList<>(missing);
        differences.addAll(drifted);
        Drift drift = !missing.isEmpty() ? Drift.MISSING : !drifted.isEmpty() ? Drift.DRIFTED : Drift.IN_SYNC;
        return new Result(drift, capped(differences));
    }

    private static void compareRunning(ExpectedInterface want, ObservedInterface seen, List<String> out) {
        WgConfig config = want.config();
        InterfaceName name = config.name();
        if (!Objects.equals(seen.listenPort(), config.listenPort())) {
            out.add(name + ": listen port " + orNone(seen.listenPort()) + ", declared " + config.listenPort());
        }
        if (!want.publicKey().equals(seen.publicKey())) {
            out.add(name + ": private key differs from the declared one");
        }
        // without a declared MTU wg-quick chooses one
        if (config.mtu() != null && seen.mtu() != null && !config.mtu().equals(seen.mtu())) {
            out.add(name + ": MTU " + seen.mtu() + ", declared " + config.mtu());
        }
        Set<InterfaceAddress> addresses = new HashSet<>(seen.addresses());
        for (InterfaceAddress address : config.addresses()) {
            if (!addresses.remove(address)) {
                out.add(name + ": address " + address + " missing");
            }
        }
        addresses.stream().map(Object::toString).sorted()
                .forEach(address -> out.add(name + ": address " + address + " not declared"));
        Map<PublicKey, ObservedPeer> peers = new HashMap<>();
        seen.peers().forEach(peer -> peers.put(peer.publicKey(), peer));
        for (int i = 0; i < config.peers().size(); i++) {
            WgConfig.Peer peer = config.peers().get(i);
            ObservedPeer running = peers.remove(peer.publicKey());
            String who = name + ": peer " + peer.host();
            if (running == null) {
                out.add(who + " missing");
                continue;
            }
            if (!sameCidrs(running.allowedIps(), peer.allowedIps())) {
                out.add(who + " allowed IPs " + sorted(running.allowedIps()) + ", declared " + sorted(peer.allowedIps()));
            }
            long declaredKey = want.presharedKeyIds()[i];
            long runningKey = ExpectedHost.idOf(running.presharedKeySha256());
            if (declaredKey != runningKey) {
                out.add(who + (runningKey == 0 ? " has no preshared key, one is declared"
                        : declaredKey == 0 ? " has a preshared key, none is declared"
                        : " preshared key differs from the declared one"));
            }
            Integer keepalive = peer.persistentKeepalive() == null || peer.persistentKeepalive() == 0
                    ? null : peer.persistentKeepalive();
            if (!Objects.equals(keepalive, running.keepalive())) {
                out.add(who + " persistent keepalive " + orOff(running.keepalive()) + ", declared " + orOff(keepalive));
            }
        }
        peers.keySet().stream().map(key -> KeyIds.of(key.bytes())).sorted()
                .forEach(id -> out.add(name + ": peer with key id " + id + " not declared"));
    }

    /**
     * The same routes in any order. Lists, not sets: a peer has one to a few, and hashing addresses was a
     * tenth of what watching a large mesh cost.
     */
    private static boolean sameCidrs(List<Cidr> running, List<Cidr> declared) {
        return running.containsAll(declared) && declared.containsAll(running);
    }

    /** At most {@link HostHealthReported#MAX_DIFFERENCES}: a host that lost everything differs everywhere. */
    private static List<String> capped(List<String> differences) {
        int max = HostHealthReported.MAX_DIFFERENCES;
        if (differences.size() <= max) {
            return differences;
        }
        List<String> shown = new ArrayList<>(differences.subList(0, max - 1));
        shown.add("and " + (differences.size() - max + 1) + " more differences");
        return shown;
    }

    private static String sorted(List<Cidr> cidrs) {
        return cidrs.stream().map(Cidr::toString).collect(Collectors.toCollection(TreeSet::new)).stream()
                .collect(Collectors.joining(", "));
    }

    private static String orNone(Integer value) {
        return value == null ? "none" : value.toString();
    }

    private static String orOff(Integer value) {
        return value == null ? "off" : value.toString();
    }
}
