package dev.wgmesh.renderer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.crypto.PresharedKeys;
import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.GroupValidator;
import dev.wgmesh.common.group.HostGroupParser;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.common.wireguard.WgConfig;
import dev.wgmesh.common.wireguard.WgConfigWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Test groups from src/test/resources/groups and keys made from fixed bytes, so everything rendered
 * from them is the same on every run: the golden files depend on it (common's TestGroups keys at random). A host's key pair and sealed
 * secrets depend on its group and name only, as keygen keeps them from one revision to the next.
 */
public final class FixedKeyGroups {

    public static final Instant OCCURRED_AT = Instant.parse("2026-01-01T00:00:00Z");
    /** The deployers' key pair: keygen seals to its public half, a deployer opens with its private half. */
    public static final X25519Keys.KeyPair DEPLOYER = keyPair("deployer");

    private FixedKeyGroups() {
    }

    /** A group from src/test/resources/groups/{name}.json, parsed and validated as config-service does. */
    public static HostGroupSpec spec(String name) {
        try (InputStream in = FixedKeyGroups.class.getResourceAsStream("/groups/" + name + ".json")) {
            HostGroupParser.Result result = HostGroupParser.parse(EventJson.tree(in.readAllBytes()), Set.of());
            assertThat(result.problems()).as("problems of %s", name).isEmpty();
            assertThat(GroupValidator.validate(result.spec(), result.paths())).as("problems of %s", name).isEmpty();
            return result.spec();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HostGroupKeysGenerated keyed(String group, HostGroupSpec spec, long revision) {
        GroupName name = new GroupName(group);
        List<HostKeys> keys = spec.hosts().stream().map(h -> new HostKeys(h.name(), hostKeys(name, h.name()).publicKey(),
                seal(hostKeys(name, h.name()).privateKey(), HostKeys.privateKeyContext(name, h.name())))).toList();
        SealedSecret seed = spec.presharedKeys() ? seal(seed(name), HostKeys.presharedKeySeedContext(name)) : null;
        return new HostGroupKeysGenerated(uuid("event/" + group + "/" + revision), name, revision, OCCURRED_AT,
                uuid("change/" + group + "/" + revision), ChangeCause.UPSERT, spec, keys, seed);
    }

    public static HostGroupKeysGenerated deleted(String group, long revision) {
        return new HostGroupKeysGenerated(uuid("event/" + group + "/" + revision), new GroupName(group), revision,
                OCCURRED_AT, uuid("change/" + group + "/" + revision), ChangeCause.DELETE, null, List.of(), null);
    }

    public static X25519Keys.KeyPair hostKeys(GroupName group, HostName host) {
        return keyPair("host/" + group + "/" + host);
    }

    public static SecretKey seed(GroupName group) {
        return SecretKey.of(sha256("seed/" + group));
    }

    /** One host's interface as the deployer writes it: secrets opened with the deployers' private key. */
    public static String confText(GroupName group, HostFiles files, WgConfig config) {
        SecretKey privateKey = SecretSealer.open(files.privateKey(), DEPLOYER.privateKey(),
                HostKeys.privateKeyContext(group, files.host()));
        PublicKey own = X25519Keys.publicKeyOf(privateKey);
        SecretKey seed = files.presharedKeySeed() == null ? null
                : SecretSealer.open(files.presharedKeySeed(), DEPLOYER.privateKey(), HostKeys.presharedKeySeedContext(group));
        return WgConfigWriter.write(config, privateKey, peer -> PresharedKeys.derive(seed, own, peer));
    }

    /** A key pair from fixed bytes, clamped as {@code wg genkey} clamps. */
    private static X25519Keys.KeyPair keyPair(String label) {
        byte[] bytes = sha256("key/" + label);
        bytes[0] &= (byte) 248;
        bytes[31] &= 127;
        bytes[31] |= 64;
        SecretKey privateKey = SecretKey.of(bytes);
        return new X25519Keys.KeyPair(privateKey, X25519Keys.publicKeyOf(privateKey));
    }

    /** Sealing takes random bytes; a seeded SHA1PRNG makes the sealed text the same on every run. */
    private static SealedSecret seal(SecretKey secret, String context) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(sha256("seal/" + context));
            // epoch 1: a fixed group keeps its keys, whatever the revision
            return new SecretSealer(random).seal(secret, DEPLOYER.publicKey(), context, 1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID uuid(String label) {
        return UUID.nameUUIDFromBytes(label.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(String label) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
