package dev.wgmesh.common.render;

import dev.wgmesh.common.wireguard.WgConfig;
import java.util.List;

/** A mesh group's peer table (see {@link GroupRenderer#meshPeers}): equal hashes mean equal tables. */
public record MeshPeers(List<WgConfig.Peer> peers, String hash) {

    public MeshPeers {
        peers = List.copyOf(peers);
    }
}
