package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.events.WgmeshEvent;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Topology;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.trust.SigningKey;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.common.wireguard.SecretKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.helpers.NOPLogger;

/**
 * Runs the apply path on a made-up mesh before the deployer reads its first record. Started cold, a deployer
 * spent about 8 CPU s on the first 1,000-host change against 3 warm: the JIT compiled X25519, the HMACs of
 * the preshared keys, the config writer, JSON and the signatures while the hosts waited. Here it compiles them
 * at start instead, on throwaway keys (a deployer key, a signing key and every host's), with the files and the
 * applied state in a temporary directory that is deleted after: nothing of it reaches the bus, the target or
 * this deployer's state.
 */
public final class WarmUp {

    private static final GroupName GROUP = GroupName.parse("wgmesh-warm-up");

    /** What the warm-up did, for the log. */
    public record Done(int applied, int observed, Duration took) {
    }

    private WarmUp() {
    }

    /**
     * Renders a mesh of {@code hosts} hosts at {@code revisions} revisions (each changes every host's file) and
     * applies each host's records as the listener does: verified, applied through a file target on {@code workers},
     * the reports signed; then every host is looked at once. Its files go to a new directory in {@code parent}.
     */
    public static Done run(int hosts, int revisions, TopicNames names, ExecutorService workers, Path parent)
            throws IOException {
        long start = System.nanoTime();
        SecureRandom random = new SecureRandom();
        X25519Keys.KeyPair deployerKey = X25519Keys.generate(random);
        RecordSigner signer = new RecordSigner(Signer.RENDERER, SigningKey.generate(random));
        RecordVerifier verifier = new RecordVerifier(Map.of(Signer.RENDERER, List.of(signer.publicKey())), names);
        SecretSealer sealer = new SecretSealer(random);
        List<Host> members = new ArrayList<>();
        List<HostKeys> keys = new ArrayList<>();
        for (int slot = 1; slot <= hosts; slot++) {
            HostName name = HostName.parse("warm-%04d".formatted(slot));
            members.add(new Host(name, slot, Endpoint.parse(name + ".invalid:51820"),
                    List.of(Cidr.parse("10.%d.%d.0/24".formatted(100 + slot / 256, slot % 256))), null, null, null));
            X25519Keys.KeyPair pair = X25519Keys.generate(random);
            keys.add(new HostKeys(name, pair.publicKey(), sealer.seal(pair.privateKey(), deployerKey.publicKey(),
                    HostKeys.privateKeyContext(GROUP, name), 1)));
        }
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        SealedSecret sealedSeed = sealer.seal(SecretKey.of(seed), deployerKey.publicKey(),
                HostKeys.presharedKeySeedContext(GROUP), 1);

        Path dir = Files.createTempDirectory(parent, "wgmesh-warm-up-");
        AtomicInteger applied = new AtomicInteger();
        AtomicInteger observed = new AtomicInteger();
        try {
            FileTarget target = new FileTarget(dir.resolve("out"));
            PeerTables peerTables = new PeerTables(Duration.ofSeconds(10));
            Deployer deployer = new Deployer(new SecretFiller(List.of(deployerKey.privateKey())), peerTables, target,
                    new StateStore(dir.resolve("state")), "warm-up", NOPLogger.NOP_LOGGER);
            Observer observer = new Observer(deployer, target, Clock.systemUTC(), Duration.ofMillis(1), random,
                    event -> {
                        observed.incrementAndGet();
                        sign(event instanceof DeploymentReported ? Topics.DEPLOYMENT_REPORTED
                                : Topics.HOST_HEALTH_REPORTED, event, names, signer);
                    });
            for (int revision = 1; revision <= revisions; revision++) {
                HostGroupSpec spec = new HostGroupSpec(Topology.MESH, Cidr.parse("10.99.0.0/16"), 1420 - revision, 25,
                        true, false, members);
                UUID change = UUID.randomUUID();
                HostGroupKeysGenerated keyed = new HostGroupKeysGenerated(change, GROUP, revision, Instant.now(),
                        change, ChangeCause.UPSERT, spec, keys, sealedSeed);
                GroupRenderer.Rendering rendering = GroupRenderer.renderWithPeerTable(keyed);
                MeshPeersRendered table = rendering.meshPeers().orElseThrow()
                        .asEvent(UUID.randomUUID(), keyed, Instant.now());
                peerTables.put(read(sign(Topics.MESH_PEERS_RENDERED, table, names, signer), verifier,
                        MeshPeersRendered.class));
                List<CompletableFuture<Void>> applying = new ArrayList<>();
                for (HostFiles files : rendering.hosts().values()) {
                    ProducerRecord<String, byte[]> record = sign(Topics.HOST_CONFIG_RENDERED,
                            files.asEvent(UUID.randomUUID(), keyed, Instant.now(), table.peersHash()), names, signer);
                    applying.add(CompletableFuture.runAsync(() -> {
                        HostConfigRendered rendered = read(record, verifier, HostConfigRendered.class);
                        observer.applying(rendered, 0);
                        Optional<DeploymentReported> report = deployer.deploy(rendered);
                        observer.applied(rendered, 0, report.orElse(null));
                        report.ifPresent(done -> {
                            if (done.outcome() != DeploymentReported.Outcome.APPLIED) {
                                throw new IllegalStateException("the warm-up's apply failed: " + done.reason());
                            }
                            applied.incrementAndGet();
                            sign(Topics.DEPLOYMENT_REPORTED, done, names, signer);
                        });
                    }, workers));
                }
                CompletableFuture.allOf(applying.toArray(CompletableFuture[]::new)).join();
                observer.observeDue(workers);
            }
        } finally {
            PrivateFiles.deleteRecursively(dir);
        }
        return new Done(applied.get(), observed.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static ProducerRecord<String, byte[]> sign(String topic, WgmeshEvent event, TopicNames names,
                                                       RecordSigner signer) {
        return CloudEvents.record(names.of(topic), event, signer);
    }

    /** The record as a consumer would get it, verified and read. */
    private static <T extends WgmeshEvent> T read(ProducerRecord<String, byte[]> sent, RecordVerifier verifier,
                                                  Class<T> type) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(sent.topic(), 0, 0, 0L, TimestampType.CREATE_TIME,
                -1, sent.value().length, sent.key(), sent.value(), sent.headers(), Optional.empty());
        return verifier.read(record, type);
    }
}
