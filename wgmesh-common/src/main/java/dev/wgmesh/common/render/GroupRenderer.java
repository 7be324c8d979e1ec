package dev.wgmesh.common.render;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.DriftPolicy;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Layout;
import dev.wgmesh.common.group.Topology;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.WgConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A pure function from a keyed group to every host's files: the same input gives the same output,
 * byte for byte, so hashes tell what changed. See the README's topology rules.
 */
public final class GroupRenderer {

    private GroupRenderer() {
    }

    /** Every host's files, in slot order. */
    public static Map<HostName, HostFiles> render(HostGroupKeysGenerated keyed) {
        return allFiles(new Inputs(keyed), host -> true);
    }

    /** The files of the hosts {@code which} accepts, in slot order, as {@link #render} gives them. */
    public static Map<HostName, HostFiles> render(HostGroupKeysGenerated keyed, Predicate<HostName> which) {
        return allFiles(new Inputs(keyed), which);
    }

    /** Every host's files and a mesh group's peer table, as {@link #render} and {@link #meshPeers} give them. */
    public record Rendering(Map<HostName, HostFiles> hosts, Optional<MeshPeers> meshPeers) {
    }

    /** Both at once: a mesh's peer entries are built and digested once for the files and the table. */
    public static Rendering renderWithPeerTable(HostGroupKeysGenerated keyed) {
        Inputs inputs = new Inputs(keyed);
        return new Rendering(allFiles(inputs, host -> true), peerTable(inputs));
    }

    /** One host's files, the same as {@code render(keyed).get(host)} without rendering every other host. */
    public static Optional<HostFiles> renderHost(HostGroupKeysGenerated keyed, HostName host) {
        return keyed.spec().host(host).map(found -> files(new Inputs(keyed), found));
    }

    /**
     * A mesh group's peer table: each host's [Peer] entry, as every other host lists it, in slot order,
     * and a hash over them. Empty for a {@code hoster} group, whose hosts each list other entries.
     */
    public static Optional<MeshPeers> meshPeers(HostGroupKeysGenerated keyed) {
        return keyed.spec() == null ? Optional.empty() : peerTable(new Inputs(keyed));
    }

    private static Map<HostName, HostFiles> allFiles(Inputs inputs, Predicate<HostName> which) {
        Map<HostName, HostFiles> files = new LinkedHashMap<>();
        for (Host host : inputs.keyed.spec().hosts()) {
            if (which.test(host.name())) {
                files.put(host.name(), files(inputs, host));
            }
        }
        return files;
    }

    private static Optional<MeshPeers> peerTable(Inputs inputs) {
        HostGroupSpec spec = inputs.keyed.spec();
        if (spec.topology() != Topology.MESH) {
            return Optional.empty();
        }
        List<WgConfig.Peer> peers = new ArrayList<>(spec.hosts().size());
        for (Host host : spec.hosts()) {
            peers.add(inputs.meshPeers.get(host.name()));
        }
        return Optional.of(new MeshPeers(peers, peersHash(peers, inputs::digest)));
    }

    /**
     * The hash that names a mesh peer table: over each peer's digest, in order. Every reader of a table
     * recomputes it (see {@link dev.wgmesh.common.events.MeshPeersRendered}), so a table cannot claim
     * another table's hash.
     */
    public static String peersHash(List<WgConfig.Peer> peers) {
        return peersHash(peers, GroupRenderer::digest);
    }

    private static String peersHash(List<WgConfig.Peer> peers, Function<WgConfig.Peer, byte[]> digest) {
        MessageDigest sha = sha256();
        peers.forEach(peer -> sha.update(digest.apply(peer)));
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    /** A peer entry's SHA-256, over its JSON; a host's content hash and a peer table's hash are made of these. */
    private static byte[] digest(WgConfig.Peer peer) {
        return sha256().digest(EventJson.write(peer));
    }

    /**
     * What every host's files are made of. In a mesh a host's peer entry is the same in every other
     * host's file, so it is built and digested once per group, not once per pair: that keeps a
     * 1,000-host group at a thousand peer entries instead of a million.
     */
    private static final class Inputs {
        final HostGroupKeysGenerated keyed;
        final Map<HostName, HostKeys> keys = new HashMap<>();
        final Map<HostName, WgConfig.Peer> meshPeers;
        final Map<WgConfig.Peer, byte[]> peerDigests = new IdentityHashMap<>();

        Inputs(HostGroupKeysGenerated keyed) {
            this.keyed = keyed;
            keyed.hosts().forEach(k -> keys.put(k.host(), k));
            meshPeers = meshPeers(keyed.spec(), host -> keys.get(host).publicKey());
        }

        PublicKey publicKey(HostName host) {
            return keys.get(host).publicKey();
        }

        byte[] digest(WgConfig.Peer peer) {
            return peerDigests.computeIfAbsent(peer, GroupRenderer::digest);
        }
    }

    /**
     * Every host's interfaces, their peers' public keys from {@code publicKeys}: what a group's hosts run, for
     * comparing two versions of a group before any key is made (a plan).
     */
    public static Map<HostName, List<WgConfig>> interfaces(HostGroupSpec spec, Function<HostName, PublicKey> publicKeys) {
        Map<HostName, WgConfig.Peer> meshPeers = meshPeers(spec, publicKeys);
        Map<HostName, List<WgConfig>> interfaces = new LinkedHashMap<>();
        for (Host host : spec.hosts()) {
            interfaces.put(host.name(), interfaces(spec, meshPeers, publicKeys, host));
        }
        return interfaces;
    }

    /** A mesh's peer entry of every host, built once per group; empty for {@code hoster}. */
    private static Map<HostName, WgConfig.Peer> meshPeers(HostGroupSpec spec, Function<HostName, PublicKey> publicKeys) {
        Map<HostName, WgConfig.Peer> meshPeers = new HashMap<>();
        if (spec.topology() == Topology.MESH) {
            for (Host host : spec.hosts()) {
                meshPeers.put(host.name(), peer(spec, publicKeys, host, Layout.meshAddress(spec.tunnelNetwork(), host),
                        Layout.meshPort(host)));
            }
        }
        return meshPeers;
    }

    private static List<WgConfig> interfaces(HostGroupSpec spec, Map<HostName, WgConfig.Peer> meshPeers,
                                             Function<HostName, PublicKey> publicKeys, Host host) {
        return spec.topology() == Topology.MESH
                ? List.of(meshInterface(spec, meshPeers, host))
                : hosterInterfaces(spec, publicKeys, host);
    }

    private static HostFiles files(Inputs inputs, Host host) {
        HostGroupSpec spec = inputs.keyed.spec();
        List<WgConfig> interfaces = interfaces(spec, inputs.meshPeers, inputs::publicKey, host);
        HostKeys own = inputs.keys.get(host.name());
        return new HostFiles(host.name(), host.os(), interfaces, own.privateKey(),
                spec.presharedKeys() ? inputs.keyed.presharedKeySeed() : null,
                hash(host, interfaces, own, inputs));
    }

    private static WgConfig meshInterface(HostGroupSpec spec, Map<HostName, WgConfig.Peer> meshPeers, Host host) {
        List<WgConfig.Peer> peers = new ArrayList<>(spec.hosts().size() - 1);
        for (Host other : spec.hosts()) {
            if (other != host) {
                peers.add(meshPeers.get(other.name()));
            }
        }
        return new WgConfig(Layout.MESH_INTERFACE, List.of(Layout.meshAddress(spec.tunnelNetwork(), host)),
                Layout.meshPort(host), spec.mtu(), peers);
    }

    /** Host k: its own network with every later host as a peer, and one interface per earlier owner. */
    private static List<WgConfig> hosterInterfaces(HostGroupSpec spec, Function<HostName, PublicKey> keys, Host host) {
        List<WgConfig> interfaces = new ArrayList<>();
        for (Host owner : spec.hosts()) {
            if (owner.slot() < host.slot()) {
                WgConfig.Peer peer = peer(spec, keys, owner, owner.tunnelSegment(), Layout.hosterPort(owner, owner));
                interfaces.add(new WgConfig(new InterfaceName(Layout.hosterInterfaceName(owner)),
                        List.of(Layout.hosterAddress(owner, host)), Layout.hosterPort(host, owner), spec.mtu(),
                        List.of(peer)));
            } else if (owner == host) {
                List<WgConfig.Peer> peers = new ArrayList<>();
                for (Host member : spec.hosts()) {
                    if (member.slot() > host.slot()) {
                        peers.add(peer(spec, keys, member, Layout.hosterAddress(host, member), Layout.hosterPort(member, host)));
                    }
                }
                if (!peers.isEmpty()) {
                    interfaces.add(new WgConfig(new InterfaceName(Layout.hosterInterfaceName(host)),
                            List.of(host.tunnelSegment()), Layout.hosterPort(host, host), spec.mtu(), peers));
                }
            }
        }
        return interfaces;
    }

    /** A peer's AllowedIPs: its tunnel address and its internal networks, so those are reachable too. */
    private static WgConfig.Peer peer(HostGroupSpec spec, Function<HostName, PublicKey> keys, Host peer,
                                      InterfaceAddress tunnelAddress, int port) {
        List<Cidr> allowed = new ArrayList<>(1 + peer.internalNetworks().size());
        allowed.add(tunnelAddress.asHostRoute());
        allowed.addAll(peer.internalNetworks());
        return new WgConfig.Peer(peer.name(), keys.apply(peer.name()), spec.presharedKeys(), allowed,
                peer.endpoint().withPort(port), spec.persistentKeepalive());
    }

    /**
     * Over the host's OS, each interface without its peers, each peer's digest, the sealed secrets, and a
     * drift policy other than the default (so a change of it reaches the deployers, and the hashes of groups
     * that never set it stay as they were).
     */
    private static String hash(Host host, List<WgConfig> interfaces, HostKeys own, Inputs inputs) {
        MessageDigest sha = sha256();
        sha.update(host.os().json().getBytes(StandardCharsets.UTF_8));
        for (WgConfig config : interfaces) {
            sha.update(EventJson.write(config.withPeers(List.of())));
            sha.update(intBytes(config.peers().size()));
            config.peers().forEach(peer -> sha.update(inputs.digest(peer)));
        }
        sha.update(own.privateKey().toString().getBytes(StandardCharsets.UTF_8));
        if (inputs.keyed.spec().presharedKeys()) {
            sha.update(inputs.keyed.presharedKeySeed().toString().getBytes(StandardCharsets.UTF_8));
        }
        if (inputs.keyed.spec().driftPolicy() != DriftPolicy.REPAIR) {
            sha.update(("driftPolicy=" + inputs.keyed.spec().driftPolicy().json()).getBytes(StandardCharsets.UTF_8));
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
