package dev.wgmesh.common.render;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.wireguard.WgConfig;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The desired state of one host: its interfaces (one wg-quick file each), its sealed secrets and the
 * hash of all of it. Equal hashes mean nothing on the host needs to change.
 */
public record HostFiles(HostName host, HostOs os, List<WgConfig> interfaces, SealedSecret privateKey,
                        SealedSecret presharedKeySeed, String contentHash) {

    public HostFiles {
        interfaces = List.copyOf(interfaces);
    }

    /**
     * The record that puts these files on wgmesh.host-config-rendered for the keyed group's revision.
     *
     * @param meshPeersHash the group's peer table (see {@link GroupRenderer#meshPeers}), which the record then
     *                      names instead of listing the peers; null for a host that lists its own
     */
    public HostConfigRendered asEvent(UUID eventId, HostGroupKeysGenerated keyed, Instant occurredAt,
                                      String meshPeersHash) {
        List<WgConfig> listed = meshPeersHash == null
                ? interfaces
                : interfaces.stream().map(c -> c.withPeers(List.of())).toList();
        return new HostConfigRendered(eventId, keyed.group(), keyed.revision(), occurredAt, keyed.correlationId(),
                host, os, listed, privateKey, presharedKeySeed, contentHash, meshPeersHash,
                keyed.spec().driftPolicy());
    }
}
