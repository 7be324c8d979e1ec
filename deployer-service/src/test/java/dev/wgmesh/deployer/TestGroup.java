package dev.wgmesh.deployer;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;
import dev.wgmesh.common.group.Topology;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.InterfaceAddress;
import dev.wgmesh.common.wireguard.SecretKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small keyed hoster group, sealed to a test deployer key pair as keygen would, rendered by
 * {@link GroupRenderer}. Keeps the plaintext host keys so tests can check the written files.
 */
public final class TestGroup {

    public static final SecureRandom RANDOM = new SecureRandom();
    public static final X25519Keys.KeyPair DEPLOYER = X25519Keys.generate(RANDOM);

    public final GroupName group;
    public final Map<HostName, X25519Keys.KeyPair> hostKeys = new LinkedHashMap<>();
    public final SecretKey seed = X25519Keys.generate(RANDOM).privateKey();
    private final HostGroupSpec spec;

    public TestGroup(String group, int hosts) {
        this.group = GroupName.parse(group);
        List<Host> list = new ArrayList<>();
        for (int slot = 1; slot <= hosts; slot++) {
            HostName name = HostName.parse("h" + slot);
            list.add(new Host(name, slot, new Endpoint("192.0.2." + slot, 51820), List.of(Cidr.parse("10." + slot + ".0.0/16")),
                    InterfaceAddress.parse("198.19." + slot + ".1/24"), null, HostOs.LINUX));
            hostKeys.put(name, X25519Keys.generate(RANDOM));
        }
        spec = new HostGroupSpec(Topology.HOSTER, null, 1420, 25, true, list);
    }

    public HostName host(int slot) {
        return HostName.parse("h" + slot);
    }

    /** Every host's record at this revision, sealed to {@code deployer}. */
    public Map<HostName, HostConfigRendered> render(long revision, X25519Keys.KeyPair deployer) {
        SecretSealer sealer = new SecretSealer(RANDOM);
        List<HostKeys> keys = new ArrayList<>();
        hostKeys.forEach((host, pair) -> keys.add(new HostKeys(host, pair.publicKey(),
                sealer.seal(pair.privateKey(), deployer.publicKey(), HostKeys.privateKeyContext(group, host)))));
        SealedSecret sealedSeed = sealer.seal(seed, deployer.publicKey(), HostKeys.presharedKeySeedContext(group));
        UUID correlation = UUID.randomUUID();
        HostGroupKeysGenerated keyed = new HostGroupKeysGenerated(UUID.randomUUID(), group, revision, Instant.now(),
                correlation, ChangeCause.UPSERT, spec, keys, sealedSeed);
        Map<HostName, HostConfigRendered> out = new LinkedHashMap<>();
        for (HostFiles files : GroupRenderer.render(keyed).values()) {
            out.put(files.host(), new HostConfigRendered(UUID.randomUUID(), group, revision, Instant.now(), correlation,
                    files.host(), files.os(), files.interfaces(), files.privateKey(), files.presharedKeySeed(),
                    files.contentHash()));
        }
        return out;
    }

    public Map<HostName, HostConfigRendered> render(long revision) {
        return render(revision, DEPLOYER);
    }

    /** Writes the deployer private key as `wg genkey` would, mode 0600. */
    public static Path writeDeployerKey(Path dir) throws IOException {
        Path file = dir.resolve("deployer.key");
        Files.writeString(file, DEPLOYER.privateKey().base64() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
