package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.wgmesh.common.crypto.PresharedKeys;
import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.crypto.SecretSealer;
import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.PublicKey;
import dev.wgmesh.common.wireguard.SecretKey;
import dev.wgmesh.deployer.TestGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DeployerTest {

    @TempDir
    Path out;

    private final TestGroup group = new TestGroup("g1", 3);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final PeerTables peerTables = new PeerTables(Duration.ofMillis(300));
    private Deployer deployer;

    @BeforeEach
    void setUp() {
        deployer = new Deployer(new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey())), peerTables, new FileTarget(out),
                new StateStore(out.resolve(".wgmesh-state")), "replica-a");
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @Test
    void appliesAndReportsWithRevisionHashReplicaAndCorrelation() throws Exception {
        HostConfigRendered h1 = group.render(4).get(group.host(1));

        DeploymentReported report = deployer.deploy(h1).orElseThrow();

        assertThat(report.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(report.revision()).isEqualTo(4);
        assertThat(report.contentHash()).isEqualTo(h1.contentHash());
        assertThat(report.correlationId()).isEqualTo(h1.correlationId());
        assertThat(report.replica()).isEqualTo("replica-a");
        assertThat(report.durationMillis()).isGreaterThanOrEqualTo(0);
        assertThat(out.resolve("g1/h1/wg-1.conf")).exists();
        assertThat(Files.readString(out.resolve(".wgmesh-state/g1/h1.applied")))
                .contains("\"revision\":4").contains(h1.contentHash());
    }

    @Test
    void olderRevisionIsSkippedWithoutReport() throws Exception {
        HostConfigRendered old = group.render(4).get(group.host(2));
        group.rotate(group.host(2)); // a rotation changes the content
        HostConfigRendered newer = group.render(5).get(group.host(2));
        deployer.deploy(newer).orElseThrow();
        String applied = Files.readString(out.resolve("g1/h2/wg-1.conf"));

        Optional<DeploymentReported> report = deployer.deploy(old);

        assertThat(report).isEmpty();
        assertThat(Files.readString(out.resolve("g1/h2/wg-1.conf"))).isEqualTo(applied);
        assertThat(messages()).anyMatch(m -> m.contains("revision 4 skipped"));
    }

    @Test
    void sameHashChangesNothingButIsReportedApplied() throws Exception {
        Map<HostName, HostConfigRendered> first = group.render(4);
        deployer.deploy(first.get(group.host(1))).orElseThrow();
        Path file = out.resolve("g1/h1/wg-1.conf");
        Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        // the same content at a later revision: another host's change did not touch this one
        HostConfigRendered same = first.get(group.host(1));
        HostConfigRendered later = new HostConfigRendered(UUID.randomUUID(), same.group(), 6, same.occurredAt(),
                UUID.randomUUID(), same.host(), same.os(), same.interfaces(), same.privateKey(),
                same.presharedKeySeed(), same.contentHash(), same.meshPeersHash());

        DeploymentReported report = deployer.deploy(later).orElseThrow();

        assertThat(report.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(report.revision()).isEqualTo(6);
        assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
        assertThat(deployer.deploy(first.get(group.host(1)))).as("revision 4 after 6").isEmpty();
    }

    @Test
    void removalReportsRemovedAndAnOlderRecordAfterItIsSkipped() throws Exception {
        HostConfigRendered h3 = group.render(4).get(group.host(3));
        deployer.deploy(h3).orElseThrow();
        UUID correlation = UUID.randomUUID();

        DeploymentReported removed = deployer.remove(group.group, group.host(3), 5, correlation).orElseThrow();

        assertThat(removed.outcome()).isEqualTo(Outcome.REMOVED);
        assertThat(removed.correlationId()).isEqualTo(correlation);
        assertThat(out.resolve("g1/h3")).doesNotExist();
        assertThat(deployer.deploy(h3)).isEmpty();
        assertThat(out.resolve("g1/h3")).doesNotExist();
        assertThat(deployer.deploy(group.render(6).get(group.host(3))).orElseThrow().outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(out.resolve("g1/h3/wg-1.conf")).exists();
    }

    @Test
    void aRemovedGroupLeavesOnlyItsHostsRemovalRevisionsOnDisk() throws Exception {
        for (HostConfigRendered rendered : group.render(4).values()) {
            deployer.deploy(rendered).orElseThrow();
        }

        for (int slot = 1; slot <= 3; slot++) {
            deployer.remove(group.group, group.host(slot), 5, UUID.randomUUID()).orElseThrow();
        }

        assertThat(out.resolve("g1")).doesNotExist();
        // the one thing kept, so that a replayed older record of a removed host is not applied again
        try (Stream<Path> left = Files.walk(out.resolve(".wgmesh-state/g1"))) {
            assertThat(left.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("h1.applied", "h2.applied", "h3.applied");
        }
        assertThat(Files.readString(out.resolve(".wgmesh-state/g1/h1.applied")))
                .isEqualTo("{\"revision\":5,\"os\":\"linux\",\"removed\":true}");
        try (Stream<Path> locks = Files.list(out.resolve(".wgmesh-state"))) {
            assertThat(locks.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("g1", StateStore.LOCK_DIR);
        }
    }

    @Test
    void aSecretThatDoesNotOpenWithThisDeployerKeyIsAFailedReport() {
        Deployer otherKey = new Deployer(new SecretFiller(List.of(X25519Keys.generate(new SecureRandom()).privateKey())),
                peerTables, new FileTarget(out), new StateStore(out.resolve(".wgmesh-state")), "replica-b");

        DeploymentReported report = otherKey.deploy(group.render(4).get(group.host(1))).orElseThrow();

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.reason()).contains("cannot open the sealed private key").contains("g1/h1/private-key");
        assertThat(out.resolve("g1/h1")).doesNotExist();
        // not applied, so the right record at the same revision still goes through
        assertThat(deployer.deploy(group.render(4).get(group.host(1))).orElseThrow().outcome()).isEqualTo(Outcome.APPLIED);
    }

    @Test
    void aSecretClaimingALaterRevisionThanItsRecordIsAFailedReport() {
        HostConfigRendered real = group.render(4).get(group.host(1));
        SealedSecret fromTheFuture = new SecretSealer(new SecureRandom()).seal(group.hostKeys().get(group.host(1)).privateKey(),
                TestGroup.DEPLOYER.publicKey(), HostKeys.privateKeyContext(real.group(), real.host()), 9);
        HostConfigRendered forged = new HostConfigRendered(real.eventId(), real.group(), real.revision(), real.occurredAt(),
                real.correlationId(), real.host(), real.os(), real.interfaces(), fromTheFuture, real.presharedKeySeed(),
                real.contentHash(), real.meshPeersHash());

        DeploymentReported report = deployer.deploy(forged).orElseThrow();

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.reason()).contains("claims revision 9, later than its record's 4");
        assertThat(out.resolve("g1/h1")).doesNotExist();
    }

    @Test
    void aKeyringOfTheNewAndThePreviousDeployerKeyOpensSecretsSealedToEither() {
        X25519Keys.KeyPair next = X25519Keys.generate(new SecureRandom());
        Deployer replaced = new Deployer(new SecretFiller(List.of(next.privateKey(), TestGroup.DEPLOYER.privateKey())),
                peerTables, new FileTarget(out), new StateStore(out.resolve(".wgmesh-state")), "replica-c");

        // sealed to the previous key, as everything keygen published before the key was replaced
        assertThat(replaced.deploy(group.render(4).get(group.host(1))).orElseThrow().outcome()).isEqualTo(Outcome.APPLIED);
    }

    @Test
    void anIoErrorIsAFailedReport() throws Exception {
        Files.createDirectories(out.resolve("g1"));
        Files.writeString(out.resolve("g1/h1"), "a file where the host folder should be");

        DeploymentReported report = deployer.deploy(group.render(4).get(group.host(1))).orElseThrow();

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.reason()).startsWith("I/O error");
    }

    @Test
    void filledFilesCarryTheHostKeyAndTheSamePresharedKeyAtBothEnds() throws Exception {
        Map<HostName, HostConfigRendered> records = group.render(4);
        records.values().forEach(r -> deployer.deploy(r).orElseThrow());

        for (HostName host : records.keySet()) {
            try (var files = Files.list(out.resolve("g1").resolve(host.value()))) {
                for (Path file : files.toList()) {
                    SecretKey privateKey = SecretKey.parse(value(Files.readString(file), "PrivateKey"));
                    assertThat(X25519Keys.publicKeyOf(privateKey)).isEqualTo(group.hostKeys().get(host).publicKey());
                }
            }
        }
        // h1 and h2 share network wg-1: each end lists the other's public key with the same preshared key
        String h1 = Files.readString(out.resolve("g1/h1/wg-1.conf"));
        String h2 = Files.readString(out.resolve("g1/h2/wg-1.conf"));
        String pskAtH1 = presharedKeyFor(h1, group.hostKeys().get(group.host(2)).publicKey());
        String pskAtH2 = presharedKeyFor(h2, group.hostKeys().get(group.host(1)).publicKey());
        assertThat(pskAtH1).isNotNull().isEqualTo(pskAtH2);
        assertThat(pskAtH1).isEqualTo(PresharedKeys.derive(group.seed(), group.hostKeys().get(group.host(1)).publicKey(),
                group.hostKeys().get(group.host(2)).publicKey()).base64());
    }

    @Test
    void aMeshHostTakesItsPeersFromThePeerTableItsRecordNames() throws Exception {
        TestGroup mesh = TestGroup.mesh("m1", 3);
        Map<HostName, HostConfigRendered> inline = mesh.render(4);
        SecretFiller filler = new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey()));
        peerTables.put(mesh.peerTable(4));

        for (HostConfigRendered record : mesh.renderNamingPeerTable(4).values()) {
            assertThat(deployer.deploy(record).orElseThrow().outcome()).isEqualTo(Outcome.APPLIED);
            // the same bytes as from a record that lists the host's peers itself
            byte[] expected = filler.fill(inline.get(record.host()), null).files().files().get("wg0.conf");
            assertThat(Files.readAllBytes(out.resolve("m1/" + record.host() + "/wg0.conf"))).isEqualTo(expected);
        }
        assertThat(Files.readString(out.resolve("m1/h1/wg0.conf"))).contains("192.0.2.2:").contains("192.0.2.3:")
                .doesNotContain("192.0.2.1:");
    }

    @Test
    void aRecordWaitsForItsPeerTable() throws Exception {
        TestGroup mesh = TestGroup.mesh("m1", 3);
        Thread late = new Thread(() -> {
            sleep(100);
            peerTables.put(mesh.peerTable(4));
        });
        late.start();

        DeploymentReported report = deployer.deploy(mesh.renderNamingPeerTable(4).get(mesh.host(2))).orElseThrow();

        late.join();
        assertThat(report.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(out.resolve("m1/h2/wg0.conf")).exists();
    }

    @Test
    void aRecordWhosePeerTableDoesNotComeFailsToBeRetried() {
        TestGroup mesh = TestGroup.mesh("m1", 3);
        HostConfigRendered record = mesh.renderNamingPeerTable(4).get(mesh.host(1));

        assertThatThrownBy(() -> deployer.deploy(record)).isInstanceOf(PeerTableMissingException.class)
                .hasMessageContaining("peer table " + record.meshPeersHash() + " of group m1");
        assertThat(out.resolve("m1/h1")).doesNotExist();
    }

    @Test
    void aRecordWhosePeerTableALaterRevisionReplacedOrRemovedIsSkipped() {
        TestGroup mesh = TestGroup.mesh("m1", 3);
        HostConfigRendered old = mesh.renderNamingPeerTable(4).get(mesh.host(1));
        mesh.rotate(mesh.host(3));
        peerTables.put(mesh.peerTable(5));

        assertThat(deployer.deploy(old)).isEmpty();
        assertThat(out.resolve("m1/h1")).doesNotExist();
        assertThat(messages()).anyMatch(m -> m.contains("revision 4 skipped: a later revision replaced its peer"));

        peerTables.remove(mesh.group, 6);
        assertThat(deployer.deploy(mesh.renderNamingPeerTable(5).get(mesh.host(1)))).isEmpty();
    }

    @Test
    void noSecretInAnyLogLineReportOrToString() throws Exception {
        Map<HostName, HostConfigRendered> records = group.render(4);
        List<String> shown = new ArrayList<>();
        for (HostConfigRendered record : records.values()) {
            DeploymentReported report = deployer.deploy(record).orElseThrow();
            shown.add(report.toString());
            shown.add(new String(EventJson.write(report)));
            shown.add(new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey())).fill(record, null).toString());
        }
        shown.addAll(messages());
        List<String> secrets = new ArrayList<>();
        group.hostKeys().values().forEach(pair -> secrets.add(pair.privateKey().base64()));
        secrets.add(group.seed().base64());
        secrets.add(TestGroup.DEPLOYER.privateKey().base64());
        for (String file : List.of("g1/h1/wg-1.conf", "g1/h2/wg-1.conf", "g1/h3/wg-2.conf")) {
            secrets.add(value(Files.readString(out.resolve(file)), "PresharedKey"));
        }

        assertThat(shown).isNotEmpty();
        for (String secret : secrets) {
            assertThat(shown).noneMatch(line -> line.contains(secret));
        }
        assertThat(messages()).anyMatch(m -> m.contains("g1/h1 revision 4 applied: added [wg-1]"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    static String value(String conf, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + " = (.+)$").matcher(conf);
        return m.find() ? m.group(1) : null;
    }

    private static String presharedKeyFor(String conf, PublicKey peer) {
        Matcher m = Pattern.compile("(?m)^PublicKey = " + Pattern.quote(peer.base64()) + "\nPresharedKey = (.+)$")
                .matcher(conf);
        return m.find() ? m.group(1) : null;
    }
}
