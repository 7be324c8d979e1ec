package dev.wgmesh.cli.bench;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.GroupValidator;
import dev.wgmesh.common.group.HostGroupParser;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.deployer.domain.FileTarget;
import dev.wgmesh.deployer.domain.HostRef;
import dev.wgmesh.deployer.domain.SecretFiller;
import dev.wgmesh.keygen.domain.GroupKeyring;
import dev.wgmesh.renderer.domain.RenderPlan;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The floor: the same changes done by the services' own code in one thread of one process, without
 * Kafka. A change is parsed and validated (config-service's parser), keyed and sealed (keygen's
 * GroupKeyring), planned and rendered (renderer's RenderPlan over GroupRenderer), and every changed host's
 * secrets opened and its files written atomically, 0600, fsynced (deployer's SecretFiller and FileTarget).
 * What it leaves out is what the pipeline adds: JSON on topics, the broker, the status and the bookkeeping.
 */
final class Floor {

    /** What the floor remembers of a group between changes, as keygen, the renderer and the deployers do. */
    private record Known(long revision, HostGroupKeysGenerated keyed, Map<HostName, String> hashes,
                         MeshPeersRendered peerTable) {
    }

    private final GroupKeyring keyring;
    private final SecretFiller filler;
    private final FileTarget target;
    private final Map<String, Known> groups = new HashMap<>();

    Floor(Path outDir) {
        SecureRandom random = new SecureRandom();
        X25519Keys.KeyPair deployerKey = X25519Keys.generate(random);
        this.keyring = new GroupKeyring(random, deployerKey.publicKey(), Clock.systemUTC());
        this.filler = new SecretFiller(List.of(deployerKey.privateKey()));
        this.target = new FileTarget(outDir);
    }

    /** Creates or replaces a group as a PUT does; returns the seconds it took. */
    double put(String group, JsonNode body) throws Exception {
        long start = System.nanoTime();
        HostGroupParser.Result parsed = HostGroupParser.parse(body, Set.of("name", "revision"));
        List<Problem> problems = parsed.ok() ? GroupValidator.validate(parsed.spec(), parsed.paths()) : parsed.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the floor refused group " + group + ": " + problems);
        }
        apply(group, ChangeCause.UPSERT, null, parsed.spec());
        return (System.nanoTime() - start) / 1e9;
    }

    /** Rotates one host's keys as POST .../hosts/{host}/rotate-keys does; returns the seconds it took. */
    double rotate(String group, String host) throws Exception {
        long start = System.nanoTime();
        apply(group, ChangeCause.ROTATE_HOST, new HostName(host), groups.get(group).keyed().spec());
        return (System.nanoTime() - start) / 1e9;
    }

    private void apply(String group, ChangeCause cause, HostName rotated, HostGroupSpec spec) throws Exception {
        Known known = groups.getOrDefault(group, new Known(0, null, Map.of(), null));
        long revision = known.revision() + 1;
        UUID eventId = UUID.randomUUID();
        HostGroupChanged change = new HostGroupChanged(eventId, new GroupName(group), revision, Instant.now(), eventId,
                cause, rotated, spec, null);
        HostGroupKeysGenerated keyed = keyring.next(known.keyed(), change);
        String peersHash = known.peerTable() == null ? null : known.peerTable().peersHash();
        RenderPlan plan = RenderPlan.of(keyed, known.hashes(), peersHash, known.revision() == 0 ? -1 : known.revision(),
                Instant.now(), UUID::randomUUID);
        MeshPeersRendered peerTable = plan.peerTable() != null ? plan.peerTable() : known.peerTable();
        Map<HostName, String> hashes = new HashMap<>(known.hashes());
        for (HostConfigRendered host : plan.publish()) {
            target.apply(new HostRef(host.group(), host.host(), host.os(), revision),
                    filler.fill(host, host.meshPeersHash() == null ? null : peerTable).files());
            hashes.put(host.host(), host.contentHash());
        }
        groups.put(group, new Known(revision, keyed, hashes, peerTable));
    }
}
