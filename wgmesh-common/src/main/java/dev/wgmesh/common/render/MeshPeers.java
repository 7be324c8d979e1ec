package dev.wgmesh.common.render;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.wireguard.WgConfig;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A mesh group's peer table (see {@link GroupRenderer#meshPeers}): equal hashes mean equal tables. */
public record MeshPeers(List<WgConfig.Peer> peers, String hash) {

    public MeshPeers {
        peers = List.copyOf(peers);
    }

    /** The record that puts this table on wgmesh.mesh-peers-rendered for the keyed group's revision. */
    public MeshPeersRendered asEvent(UUID eventId, HostGroupKeysGenerated keyed, Instant occurredAt) {
        return new MeshPeersRendered(eventId, keyed.group(), keyed.revision(), occurredAt, keyed.correlationId(),
                peers, hash);
    }
}
