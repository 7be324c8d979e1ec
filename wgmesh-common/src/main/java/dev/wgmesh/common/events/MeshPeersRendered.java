package dev.wgmesh.common.events;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.common.wireguard.WgConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * renderer-service's peer table of a mesh group: every host's [Peer] entry, as every other host of the
 * group lists it, in slot order. A mesh host's HostConfigRendered names the table by {@code peersHash}
 * instead of carrying 999 peers itself, so a change of one peer puts one table on the topics, not a
 * thousand copies of it. A tombstone when the group is deleted or is no longer a mesh.
 */
public record MeshPeersRendered(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                List<WgConfig.Peer> peers, String peersHash) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.mesh-peers-rendered.v1";

    public MeshPeersRendered {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        peers = List.copyOf(Objects.requireNonNull(peers, "peers is required"));
        Objects.requireNonNull(peersHash, "peersHash is required");
        Set<HostName> hosts = new HashSet<>();
        for (WgConfig.Peer peer : peers) {
            if (!hosts.add(peer.host())) {
                throw new IllegalArgumentException("peer \"" + peer.host() + "\" is listed twice");
            }
        }
        // hosts' records name the table by this hash: it must say what the table holds, not what a writer claims
        String hash = GroupRenderer.peersHash(peers);
        if (!peersHash.equals(hash)) {
            throw new IllegalArgumentException("peersHash " + InvalidValueException.quote(peersHash)
                    + " is not the hash of the table's " + peers.size() + " peers (" + hash + ")");
        }
    }

    /** The peers of one host of the group: every entry but its own, in slot order. */
    public List<WgConfig.Peer> peersOf(HostName host) {
        List<WgConfig.Peer> others = new ArrayList<>(peers.size());
        for (WgConfig.Peer peer : peers) {
            if (!peer.host().equals(host)) {
                others.add(peer);
            }
        }
        return others;
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
