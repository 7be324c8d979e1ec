package dev.wgmesh.common.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.GroupValidator;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupParser;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Groups and keyed groups for tests of any module (it ships in wgmesh-common's test-jar). */
public final class TestGroups {

    /** The deployers' key pair of the tests: keygen seals to its public half, deployers open with its private one. */
    public static final X25519Keys.KeyPair DEPLOYER = X25519Keys.generate(new SecureRandom());

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestGroups() {
    }

    /**
     * n hosts as the Hoster Command Center writes them (the seed's JSON picture): host k is
     * {@code hoster-zima-010k}, segment 198.19.k.10/24, endpoint 192.168.8.(160+k):51821, internal
     * network 10.10.(100+k).0/24, suffix {@code zima-010k}; with fields wgmesh ignores.
     */
    public static String hosterJson(int hosts) {
        List<String> records = new ArrayList<>();
        for (int k = 1; k <= hosts; k++) {
            records.add("""
                    {"hostname": "hoster-zima-%1$04d", "api_address": "hoster-zima-%1$04d", "ssh_port": 22,
                     "auth_user": "admin", "auth_password": "123456", "enabled": true,
                     "wg": {"net_segment": "198.19.%2$d.10", "net_mask": 24, "endpoint_address": "192.168.8.%3$d",
                            "endpoint_port": 51821, "allowed_subnets": ["10.10.%4$d.0/24"], "interface_suffix": "zima-%1$04d"},
                     "created_at": 1715104029}""".formatted(100 + k, k, 160 + k, 100 + k));
        }
        return "{\"hosts\": [" + String.join(",\n", records) + "]}";
    }

    /**
     * n hosts in wgmesh's own form, mesh topology in 10.99.0.0/16; host k is {@code node-k} at
     * {@code node-k.example.net:51820} with internal network 10.(20 + k/256).(k%256).0/24, so any size up to
     * the topology's limit is valid.
     */
    public static String meshJson(int hosts) {
        List<String> records = new ArrayList<>();
        for (int k = 1; k <= hosts; k++) {
            records.add(("{\"name\": \"node-%1$d\", \"endpoint\": \"node-%1$d.example.net:51820\","
                    + " \"internalNetworks\": [\"10.%2$d.%3$d.0/24\"]}").formatted(k, 20 + k / 256, k % 256));
        }
        return "{\"topology\": \"mesh\", \"tunnelNetwork\": \"10.99.0.0/16\", \"persistentKeepalive\": 25, \"hosts\": ["
                + String.join(",", records) + "]}";
    }

    /** Parses and validates a group body; fails the test with every problem when it is not valid. */
    public static HostGroupSpec spec(String json) {
        HostGroupParser.Result result = HostGroupParser.parse(EventJson.mapper().readTree(json), Set.of());
        List<Problem> problems = new ArrayList<>(result.problems());
        if (result.ok()) {
            problems.addAll(GroupValidator.validate(result.spec(), result.paths()));
        }
        if (!problems.isEmpty()) {
            fail("the test group is not valid: " + problems);
        }
        return result.spec();
    }

    /** A keyed group and the plaintext keys behind its sealed secrets, so tests can check what deployers get. */
    public record Keyed(HostGroupKeysGenerated event, Map<HostName, X25519Keys.KeyPair> keys, SecretKey seed) {

        public PublicKey publicKey(String host) {
            return keys.get(HostName.parse(host)).publicKey();
        }

        @Override
        public String toString() {
            return "Keyed[" + event + "]";
        }
    }

    /** Keys every host with fresh key pairs, sealed to {@link #DEPLOYER}, as keygen-service does. */
    public static Keyed keyed(String group, long revision, HostGroupSpec spec) {
        return keyed(group, revision, spec, null, Set.of());
    }

    /**
     * Keys a changed group as keygen-service does: hosts of {@code previous} keep their key pair and
     * sealed private key, and the group its seed, unless rotated; new hosts get fresh pairs.
     */
    public static Keyed rekeyed(Keyed previous, long revision, HostGroupSpec spec, Set<HostName> rotated) {
        return keyed(previous.event().group().value(), revision, spec, previous, rotated);
    }

    private static Keyed keyed(String group, long revision, HostGroupSpec spec, Keyed previous, Set<HostName> rotated) {
        GroupName name = GroupName.parse(group);
        SecretSealer sealer = new SecretSealer(RANDOM);
        Map<HostName, HostKeys> previousKeys = new LinkedHashMap<>();
        if (previous != null) {
            previous.event().hosts().forEach(k -> previousKeys.put(k.host(), k));
        }
        Map<HostName, X25519Keys.KeyPair> keys = new LinkedHashMap<>();
        List<HostKeys> hostKeys = new ArrayList<>();
        for (Host host : spec.hosts()) {
            if (previousKeys.containsKey(host.name()) && !rotated.contains(host.name())) {
                keys.put(host.name(), previous.keys().get(host.name()));
                hostKeys.add(previousKeys.get(host.name()));
                continue;
            }
            X25519Keys.KeyPair pair = X25519Keys.generate(RANDOM);
            keys.put(host.name(), pair);
            hostKeys.add(new HostKeys(host.name(), pair.publicKey(), sealer.seal(pair.privateKey(),
                    DEPLOYER.publicKey(), HostKeys.privateKeyContext(name, host.name()), revision)));
        }
        SecretKey seed = null;
        SealedSecret sealedSeed = null;
        if (spec.presharedKeys() && previous != null && previous.seed() != null) {
            seed = previous.seed();
            sealedSeed = previous.event().presharedKeySeed();
        } else if (spec.presharedKeys()) {
            seed = X25519Keys.generate(RANDOM).privateKey();
            sealedSeed = sealer.seal(seed, DEPLOYER.publicKey(), HostKeys.presharedKeySeedContext(name), revision);
        }
        UUID id = UUID.randomUUID();
        HostGroupKeysGenerated event = new HostGroupKeysGenerated(id, name, revision, Instant.now(), id,
                rotated.isEmpty() ? ChangeCause.UPSERT : ChangeCause.ROTATE_HOST, spec, hostKeys, sealedSeed);
        return new Keyed(event, keys, seed);
    }
}
