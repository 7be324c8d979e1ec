package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the hosts of a group are connected; see the README's topology rules. */
public enum Topology {
    /** The seed's layout: n-1 networks, network k owned by host k, one tunnel per pair. */
    HOSTER,
    /** One interface per host with every other host as a peer. */
    MESH;

    @JsonValue
    public String json() {
        return name().toLowerCase();
    }
}
