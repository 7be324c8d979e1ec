package dev.wgmesh.common.group;

import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.InterfaceName;

/**
 * The rules that turn slots into interface names, addresses and ports (README, "Topology rules").
 * Everything here depends on a host's own slot and its network owner's, never on the host count, so
 * it stays put when other hosts join or leave.
 */
public final class Layout {

    public static final InterfaceName MESH_INTERFACE = new InterfaceName("wg0");
    public static final int MAX_HOSTER_HOSTS = 100;
    public static final int MAX_MESH_HOSTS = 2000;

    private Layout() {
    }

    public static int maxHosts(Topology topology) {
        return topology == Topology.HOSTER ? MAX_HOSTER_HOSTS : MAX_MESH_HOSTS;
    }

    /** hoster: the network that {@code owner} owns is named {@code wg-<interfaceSuffix>}, or {@code wg-<slot>}. */
    public static String hosterInterfaceName(Host owner) {
        return "wg-" + (owner.interfaceSuffix() != null ? owner.interfaceSuffix() : String.valueOf(owner.slot()));
    }

    /** hoster: in the owner's network the owner has its segment address, a later host that plus the slot distance. */
    public static InterfaceAddress hosterAddress(Host owner, Host member) {
        return owner.tunnelSegment().plus((long) member.slot() - owner.slot());
    }

    /** hoster: every host listens for the network of the owner in slot k on its endpoint port + k - 1. */
    public static int hosterPort(Host host, Host owner) {
        return host.endpoint().port() + owner.slot() - 1;
    }

    /** mesh: the host in slot k has the k-th address of the tunnel network. */
    public static InterfaceAddress meshAddress(Cidr tunnelNetwork, Host host) {
        return new InterfaceAddress(tunnelNetwork.network(), tunnelNetwork.prefix()).plus(host.slot());
    }

    /** mesh: a host listens on its endpoint's port. */
    public static int meshPort(Host host) {
        return host.endpoint().port();
    }
}
