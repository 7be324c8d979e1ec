package dev.wgmesh.common.render;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Layout;
import dev.wgmesh.common.group.Topology;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.WgConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pure function from a keyed group to every host's files: the same input gives the same output,
 * byte for byte, so hashes tell what changed. See the README's topology rules.
 */
public final class GroupRenderer {

    private GroupRenderer() {
    }

    /** Every host's files, in slot order. */
    public static Map<HostName, HostFiles> render(HostGroupKeysGenerated keyed) {
        Map<HostName, HostKeys> keys = keys(keyed);
        Map<HostName, HostFiles> files = new LinkedHashMap<>();
        for (Host host : keyed.spec().hosts()) {
            files.put(host.name(), files(keyed, keys, host));
        }
        return files;
    }

    /** One host's files, the same as {@code render(keyed).get(host)} without rendering every other host. */
    public static Optional<HostFiles> renderHost(HostGroupKeysGenerated keyed, HostName host) {
        return keyed.spec().host(host).map(found -> files(keyed, keys(keyed), found));
    }

    private static Map<HostName, HostKeys> keys(HostGroupKeysGenerated keyed) {
        Map<HostName, HostKeys> keys = new LinkedHashMap<>();
        keyed.hosts().forEach(k -> keys.put(k.host(), k));
        return keys;
    }

    private static HostFiles files(HostGroupKeysGenerated keyed, Map<HostName, HostKeys> keys, Host host) {
        HostGroupSpec spec = keyed.spec();
        List<WgConfig> interfaces = spec.topology() == Topology.MESH
                ? List.of(meshInterface(spec, keys, host))
                : hosterInterfaces(spec, keys, host);
        HostKeys own = keys.get(host.name());
        return new HostFiles(host.name(), host.os(), interfaces, own.privateKey(),
                spec.presharedKeys() ? keyed.presharedKeySeed() : null,
                hash(host, interfaces, own, keyed));
    }

    private static WgConfig meshInterface(HostGroupSpec spec, Map<HostName, HostKeys> keys, Host host) {
        List<WgConfig.Peer> peers = new ArrayList<>(spec.hosts().size() - 1);
        for (Host other : spec.hosts()) {
            if (other != host) {
                peers.add(peer(spec, keys, other, Layout.meshAddress(spec.tunnelNetwork(), other), Layout.meshPort(other)));
            }
        }
        return new WgConfig(Layout.MESH_INTERFACE, List.of(Layout.meshAddress(spec.tunnelNetwork(), host)),
                Layout.meshPort(host), spec.mtu(), peers);
    }

    /** Host k: its own network with every later host as a peer, and one interface per earlier owner. */
    private static List<WgConfig> hosterInterfaces(HostGroupSpec spec, Map<HostName, HostKeys> keys, Host host) {
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
    private static WgConfig.Peer peer(HostGroupSpec spec, Map<HostName, HostKeys> keys, Host peer,
                                      InterfaceAddress tunnelAddress, int port) {
        List<Cidr> allowed = new ArrayList<>(1 + peer.internalNetworks().size());
        allowed.add(tunnelAddress.asHostRoute());
        allowed.addAll(peer.internalNetworks());
        return new WgConfig.Peer(peer.name().value(), keys.get(peer.name()).publicKey(), spec.presharedKeys(), allowed,
                peer.endpoint().withPort(port), spec.persistentKeepalive());
    }

    private static String hash(Host host, List<WgConfig> interfaces, HostKeys own, HostGroupKeysGenerated keyed) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(host.os().json().getBytes(StandardCharsets.UTF_8));
            sha.update(EventJson.write(interfaces));
            sha.update(own.privateKey().toString().getBytes(StandardCharsets.UTF_8));
            if (keyed.spec().presharedKeys()) {
                sha.update(keyed.presharedKeySeed().toString().getBytes(StandardCharsets.UTF_8));
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
