package dev.wgmesh.common.render;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.wireguard.WgConfig;
import java.util.List;

/**
 * The desired state of one host: its interfaces (one wg-quick file each), its sealed secrets and the
 * hash of all of it. Equal hashes mean nothing on the host needs to change.
 */
public record HostFiles(HostName host, HostOs os, List<WgConfig> interfaces, SealedSecret privateKey,
                        SealedSecret presharedKeySeed, String contentHash) {

    public HostFiles {
        interfaces = List.copyOf(interfaces);
    }
}
