package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.crypto.PresharedKeys;
import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.common.wireguard.WgConfigWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens a rendered host's sealed secrets with the deployers' key and writes its wg-quick files, a mesh
 * host's with the peers of its group's peer table.
 */
public final class SecretFiller {

    private final SecretKey deployerKey;

    public SecretFiller(SecretKey deployerKey) {
        this.deployerKey = deployerKey;
    }

    /** @param peerTable the table the record names, or null when its interfaces list their peers themselves */
    public DesiredFiles fill(HostConfigRendered rendered, MeshPeersRendered peerTable) throws DeployFailure {
        List<WgConfig> interfaces = peerTable == null
                ? rendered.interfaces()
                : List.of(rendered.interfaces().get(0).withPeers(peerTable.peersOf(rendered.host())));
        if (rendered.presharedKeySeed() == null
                && interfaces.stream().anyMatch(c -> c.peers().stream().anyMatch(WgConfig.Peer::presharedKey))) {
            throw new DeployFailure("peers use preshared keys but the record has no presharedKeySeed");
        }
        SecretKey privateKey = open(rendered.privateKey(),
                HostKeys.privateKeyContext(rendered.group(), rendered.host()), "private key");
        SecretKey seed = rendered.presharedKeySeed() == null ? null : open(rendered.presharedKeySeed(),
                HostKeys.presharedKeySeedContext(rendered.group()), "preshared-key seed");
        PublicKey own = X25519Keys.publicKeyOf(privateKey);
        PresharedKeys presharedKeys = seed == null ? null : PresharedKeys.forSeed(seed);
        Map<InterfaceName, byte[]> files = new LinkedHashMap<>();
        for (WgConfig config : interfaces) {
            String text = WgConfigWriter.write(config, privateKey, peer -> presharedKeys.between(own, peer));
            files.put(config.name(), text.getBytes(StandardCharsets.UTF_8));
        }
        return DesiredFiles.of(files);
    }

    private SecretKey open(SealedSecret sealed, String context, String what) throws DeployFailure {
        try {
            return SecretSealer.open(sealed, deployerKey, context);
        } catch (IllegalArgumentException e) {
            throw new DeployFailure("cannot open the sealed " + what + ": " + e.getMessage());
        }
    }
}
