package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.crypto.PresharedKeys;
import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.common.wireguard.WgConfigWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens a rendered host's sealed secrets with the deployers' keyring (the current key, and the previous
 * one while the key is being replaced) and writes its wg-quick files, a mesh host's with the peers of its
 * group's peer table.
 */
public final class SecretFiller {

    private final List<SecretSealer.Recipient> keyring;
    /** Each group's preshared-key seed, sealed once for all its hosts: opened at the first host, not at each. */
    private final Map<GroupName, OpenedSeed> seeds = new ConcurrentHashMap<>();

    private record OpenedSeed(SealedSecret sealed, SecretKey seed) {
    }

    public SecretFiller(List<SecretKey> keyring) {
        this.keyring = keyring.stream().map(SecretSealer.Recipient::of).toList();
    }

    /**
     * The host's files, and what a look at the host should find once they run: made together, so the secrets
     * are opened once for both.
     */
    public record Filled(DesiredFiles files, ExpectedHost expected) {
        @Override
        public String toString() {
            return "Filled" + files;
        }
    }

    /** @param peerTable the table the record names, or null when its interfaces list their peers themselves */
    public Filled fill(HostConfigRendered rendered, MeshPeersRendered peerTable) throws DeployFailure {
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
        SecretKey seed = rendered.presharedKeySeed() == null ? null : seed(rendered.group(), rendered.presharedKeySeed());
        PublicKey own = X25519Keys.publicKeyOf(privateKey);
        PresharedKeys presharedKeys = seed == null ? null : PresharedKeys.forSeed(seed);
        Map<InterfaceName, byte[]> files = new LinkedHashMap<>();
        List<ExpectedHost.ExpectedInterface> expected = new ArrayList<>();
        for (WgConfig config : interfaces) {
            Map<PublicKey, SecretKey> presharedKeyOf = new HashMap<>();
            long[] presharedKeyIds = new long[config.peers().size()];
            for (int i = 0; i < presharedKeyIds.length; i++) {
                WgConfig.Peer peer = config.peers().get(i);
                if (peer.presharedKey()) {
                    SecretKey key = presharedKeys.between(own, peer.publicKey());
                    presharedKeyOf.put(peer.publicKey(), key);
                    presharedKeyIds[i] = ExpectedHost.presharedKeyId(key);
                }
            }
            byte[] bytes = WgConfigWriter.write(config, privateKey, presharedKeyOf::get).getBytes(StandardCharsets.UTF_8);
            files.put(config.name(), bytes);
            expected.add(new ExpectedHost.ExpectedInterface(config, own, ExpectedHost.sha256(bytes), presharedKeyIds));
        }
        return new Filled(DesiredFiles.of(files), new ExpectedHost(expected));
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

    private SecretKey seed(GroupName group, SealedSecret sealed) throws DeployFailure {
        OpenedSeed opened = seeds.get(group);
        if (opened == null || !opened.sealed().equals(sealed)) {
            // the same sealed bytes for the same group open to the same seed: their tag was checked at the first
            opened = new OpenedSeed(sealed, open(sealed, HostKeys.presharedKeySeedContext(group), "preshared-key seed"));
            seeds.put(group, opened);
        }
        return opened.seed();
    }

    private SecretKey open(SealedSecret sealed, String context, String what) throws DeployFailure {
        try {
            return SecretSealer.open(sealed, keyring, context);
        } catch (IllegalArgumentException e) {
            throw new DeployFailure("cannot open the sealed " + what + ": " + e.getMessage());
        }
    }
}
