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
 * Opens a rendered host's sealed secrets with the deployers' keyring (the current key, and the previous
 * one while the key is being replaced) and writes its wg-quick files, a mesh host's with the peers of its
 * group's peer table.
 */
public final class SecretFiller {

    private final List<SecretKey> keyring;

    public SecretFiller(List<SecretKey> keyring) {
        this.keyring = List.copyOf(keyring);
    }

    /** @param peerTable the table the record names, or null when its interfaces list their peers themselves */
    public DesiredFiles fill(HostConfigRendered rendered, MeshPeersRendered peerTable) throws DeployFailure {
        List<WgConfig> interfaces = interfaces(rendered, peerTable);
        if (rendered.presharedKeySeed() == null
                && interfaces.stream().anyMatch(c -> c.peers().stream().anyMatch(WgConfig.Peer::presharedKey))) {
            throw new DeployFailure("peers use preshared keys but the record has no presharedKeySeed");
        }
        checkEpoch(rendered, rendered.privateKey(), "private key");
        if (rendered.presharedKeySeed() != null) {
            checkEpoch(rendered, rendered.presharedKeySeed(), "preshared-key seed");
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

    /** The host's interfaces with their peers: a mesh host's from its group's peer table. */
    static List<WgConfig> interfaces(HostConfigRendered rendered, MeshPeersRendered peerTable) {
        return peerTable == null
                ? rendered.interfaces()
                : List.of(rendered.interfaces().get(0).withPeers(peerTable.peersOf(rendered.host())));
    }

    /** A secret is made at a revision, so one that claims a later revision than its record's is forged. */
    private static void checkEpoch(HostConfigRendered rendered, SealedSecret sealed, String what) throws DeployFailure {
        if (sealed.epoch() > rendered.revision()) {
            throw new DeployFailure("the sealed " + what + " claims revision " + sealed.epoch()
                    + ", later than its record's " + rendered.revision());
        }
    }

    private SecretKey open(SealedSecret sealed, String context, String what) throws DeployFailure {
        try {
            return SecretSealer.open(sealed, keyring, context);
        } catch (IllegalArgumentException e) {
            throw new DeployFailure("cannot open the sealed " + what + ": " + e.getMessage());
        }
    }
}
