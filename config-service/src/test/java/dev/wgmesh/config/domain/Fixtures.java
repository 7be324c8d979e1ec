package dev.wgmesh.config.domain;

import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** Group bodies, keyed groups and reports for the tests. */
public final class Fixtures {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final X25519Keys.KeyPair DEPLOYERS = X25519Keys.generate(RANDOM);

    private Fixtures() {
    }

    /** A hoster group in wgmesh's own host form; host i (1-based in the list) gets segment 198.19.i.1/24. */
    public static JsonNode body(String... hosts) {
        List<String> entries = new ArrayList<>();
        for (String host : hosts) {
            int n = Integer.parseInt(host.replaceAll("\\D", ""));
            entries.add("""
                    {"name": "%s", "endpoint": "192.0.2.%d:51820", "internalNetworks": ["10.10.%d.0/24"],
                     "tunnelSegment": "198.19.%d.1/24"}""".formatted(host, n, n, n));
        }
        return json("{\"hosts\": [" + String.join(",", entries) + "]}");
    }

    public static JsonNode json(String text) {
        return EventJson.mapper().readTree(text);
    }

    public static Map<String, Integer> slots(HostGroupChanged change) {
        return change.spec().hosts().stream().collect(Collectors.toMap(h -> h.name().value(), Host::slot));
    }

    /** When {@link #keyed} makes key pairs. */
    public static final Instant KEYS_MADE = Instant.parse("2026-01-01T03:04:05Z");

    /** What keygen would publish for this change: the previous keys and seed kept, new hosts keyed. */
    public static HostGroupKeysGenerated keyed(HostGroupChanged change, HostGroupKeysGenerated previous) {
        HostGroupSpec spec = change.spec();
        SecretSealer sealer = new SecretSealer(RANDOM);
        List<HostKeys> keys = new ArrayList<>();
        for (Host host : spec.hosts()) {
            HostKeys kept = previous == null ? null
                    : previous.hosts().stream().filter(k -> k.host().equals(host.name())).findFirst().orElse(null);
            if (kept == null) {
                var pair = X25519Keys.generate(RANDOM);
                kept = new HostKeys(host.name(), pair.publicKey(), sealer.seal(pair.privateKey(), DEPLOYERS.publicKey(),
                        HostKeys.privateKeyContext(change.group(), host.name()), change.revision()), KEYS_MADE);
            }
            keys.add(kept);
        }
        var seed = previous != null ? previous.presharedKeySeed() : sealer.seal(X25519Keys.generate(RANDOM).privateKey(), DEPLOYERS.publicKey(),
                HostKeys.presharedKeySeedContext(change.group()), change.revision());
        return new HostGroupKeysGenerated(UUID.randomUUID(), change.group(), change.revision(), Instant.now(),
                change.correlationId(), change.cause(), spec, keys, seed,
                previous != null ? previous.presharedKeySeedCreatedAt() : KEYS_MADE);
    }

    public static DeploymentReported report(GroupName group, String host, long revision, DeploymentReported.Outcome outcome,
                                     String hash) {
        return new DeploymentReported(UUID.randomUUID(), group, revision, Instant.now(), UUID.randomUUID(),
                HostName.parse(host), outcome, outcome == DeploymentReported.Outcome.FAILED ? "wg-quick failed" : null,
                hash, "replica-1", 12);
    }
}
