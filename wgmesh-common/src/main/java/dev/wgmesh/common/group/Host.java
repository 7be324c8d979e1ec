package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import java.util.List;
import java.util.Objects;

/**
 * A host of a group. {@code slot} is its position, fixed when it joins (1 for the first host); the
 * addresses, ports and interface names derived from it stay put when other hosts come and go.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Host(HostName name, int slot, Endpoint endpoint, List<Cidr> internalNetworks,
                   InterfaceAddress tunnelSegment, String interfaceSuffix, HostOs os) {

    public Host {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        internalNetworks = internalNetworks == null ? List.of() : List.copyOf(internalNetworks);
        os = os == null ? HostOs.LINUX : os;
        if (slot < 1) {
            throw new IllegalArgumentException("slot " + slot + " of host " + name + " must be 1 or more");
        }
    }

    public Host withSlot(int newSlot) {
        return new Host(name, newSlot, endpoint, internalNetworks, tunnelSegment, interfaceSuffix, os);
    }
}
