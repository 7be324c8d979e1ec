package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.wgmesh.common.wireguard.Cidr;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A group's declared settings and hosts, hosts in slot order. Built by {@link HostGroupParser}.
 *
 * @param allowBroadRoutes true when the group may route networks that {@link GroupValidator} refuses
 *                         otherwise: shorter than /8 or /32, or covering another host's endpoint
 * @param driftPolicy      what deployers do with a host that drifted; {@code repair} when not given
 * @param keyRotation      when wgmesh rotates keys by itself; null: never
 * @param rollout          how a change reaches the hosts when it rolls out in waves; null: all at once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostGroupSpec(Topology topology, Cidr tunnelNetwork, Integer mtu, Integer persistentKeepalive,
                            boolean presharedKeys,
                            // absent from records written before it existed: those groups did not allow broad routes
                            @JsonSetter(nulls = Nulls.AS_EMPTY) boolean allowBroadRoutes,
                            // absent from records written before it existed: those groups were repaired
                            DriftPolicy driftPolicy, KeyRotation keyRotation, Rollout rollout, List<Host> hosts) {

    public HostGroupSpec {
        Objects.requireNonNull(topology, "topology");
        driftPolicy = driftPolicy == null ? DriftPolicy.REPAIR : driftPolicy;
        rollout = rollout != null && rollout.waves() ? rollout : null;
        hosts = hosts.stream().sorted(Comparator.comparingInt(Host::slot)).toList();
        Set<Integer> slots = new HashSet<>();
        Set<HostName> names = new HashSet<>();
        for (Host host : hosts) {
            if (!slots.add(host.slot()) || !names.add(host.name())) {
                throw new IllegalArgumentException("host " + host.name() + " or slot " + host.slot() + " appears twice");
            }
        }
        if (topology == Topology.MESH && tunnelNetwork == null) {
            throw new IllegalArgumentException("a mesh group needs a tunnelNetwork");
        }
    }

    /** A group whose drifted hosts are repaired and whose keys are rotated only when asked (the defaults). */
    public HostGroupSpec(Topology topology, Cidr tunnelNetwork, Integer mtu, Integer persistentKeepalive,
                         boolean presharedKeys, boolean allowBroadRoutes, List<Host> hosts) {
        this(topology, tunnelNetwork, mtu, persistentKeepalive, presharedKeys, allowBroadRoutes, DriftPolicy.REPAIR, null,
                null, hosts);
    }

    public Optional<Host> host(HostName name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    public HostGroupSpec withHosts(List<Host> newHosts) {
        return new HostGroupSpec(topology, tunnelNetwork, mtu, persistentKeepalive, presharedKeys, allowBroadRoutes, driftPolicy,
                keyRotation, rollout, newHosts);
    }

    /** Whether a change of the group, once it runs, reaches its hosts in waves. */
    public boolean rollsOutInWaves() {
        return rollout != null;
    }
}
