package dev.wgmesh.deployer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Cause;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostReapplyRequested;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.DriftPolicy;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.deployer.DeployerApplication;
import dev.wgmesh.deployer.TestGroup;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.testing.TestBroker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * A deployer with the file target and a quarter-second observe interval, through a real broker: files deleted
 * or edited by hand are reported and put back (cause drift-repair), a group that only reports is left as
 * it is, an operator's signed request applies one host again (cause reapply), and a deployer started on an empty disk restores every host it owns (cause restore) with no new
 * change.
 */
class DriftKafkaTest {

    private static final Duration OBSERVE_INTERVAL = Duration.ofMillis(250);

    @TempDir
    Path dir;

    @Test
    void driftIsReportedAndRepairedAndAnEmptyDiskIsRestored() throws Exception {
        Path key = TestGroup.writeDeployerKey(dir);
        Path out = dir.resolve("out");
        TestGroup repaired = new TestGroup("repaired", 3);
        TestGroup reported = new TestGroup("reported", 2, DriftPolicy.REPORT);
        // the module's other test classes left their groups on the broker: a deployer with an empty disk restores those too
        Set<GroupName> groups = Set.of(repaired.group, reported.group);
        try (TopicReader reader = new TopicReader(TestBroker.brokers())) {
            try (ConfigurableApplicationContext deployer = start(key, out)) {
                @SuppressWarnings("unchecked")
                KafkaTemplate<String, byte[]> kafka = deployer.getBean(KafkaTemplate.class);
                List<HostConfigRendered> records = new ArrayList<>(repaired.render(1).values());
                records.addAll(reported.render(1).values());
                for (HostConfigRendered record : records) {
                    kafka.send(CloudEvents.record(Topics.HOST_CONFIG_RENDERED, record,
                            TestTrust.signer(Signer.RENDERER))).get();
                }
                reader.awaitReports(all -> all.stream().filter(r -> groups.contains(r.group())
                        && r.outcome() == Outcome.APPLIED).count() == 5);
                reader.awaitHealth(all -> all.stream().filter(h -> groups.contains(h.group())
                        && h.drift() == Drift.IN_SYNC).map(HostHealthReported::recordKey).distinct().count() == 5);

                // deleted: reported missing and written again
                Path deleted = out.resolve("repaired/h2/wg-1.conf");
                Files.delete(deleted);
                reader.awaitReports(repairOf("repaired", "h2"));
                assertThat(reader.health()).anySatisfy(h -> {
                    assertThat(h.recordKey()).isEqualTo("repaired/h2");
                    assertThat(h.drift()).isEqualTo(Drift.MISSING);
                    assertThat(h.differences()).containsExactly("wg-1: file missing");
                });
                assertThat(deleted).exists();

                // edited: put back as declared
                Path edited = out.resolve("repaired/h1/wg-1.conf");
                String declared = Files.readString(edited);
                Files.writeString(edited, declared.replace("MTU = 1420", "MTU = 1280"));
                reader.awaitReports(repairOf("repaired", "h1"));
                assertThat(Files.readString(edited)).isEqualTo(declared);
                assertThat(reader.health()).anySatisfy(h -> {
                    assertThat(h.recordKey()).isEqualTo("repaired/h1");
                    assertThat(h.differences()).contains("wg-1: MTU 1280, declared 1420");
                });

                // a group that only reports: reported, left as it is
                Path left = out.resolve("reported/h1/wg-1.conf");
                Files.delete(left);
                reader.awaitHealth(all -> all.stream().anyMatch(h -> h.recordKey().equals("reported/h1")
                        && h.drift() == Drift.MISSING));
                // time for four more looks at the host
                reader.readFor(OBSERVE_INTERVAL.multipliedBy(4));
                assertThat(reader.reports()).noneMatch(r -> r.group().value().equals("reported") && r.cause() != null);
                assertThat(left).doesNotExist();

                // an operator asks for one host again: config-service's signed request, and nothing changed
                HostReapplyRequested again = new HostReapplyRequested(UUID.randomUUID(), repaired.group, 1,
                        Instant.now(), UUID.randomUUID(), repaired.host(3), Actor.api("127.0.0.1"));
                kafka.send(CloudEvents.record(Topics.HOST_REAPPLY_REQUESTED, again, TestTrust.signer(Signer.CONFIG))).get();
                reader.awaitReports(all -> all.stream().anyMatch(r -> r.recordKey().equals("repaired/h3")
                        && r.cause() == Cause.REAPPLY && r.outcome() == Outcome.APPLIED));
                // one signed by anyone else is not believed
                HostReapplyRequested forged = new HostReapplyRequested(UUID.randomUUID(), repaired.group, 1,
                        Instant.now(), UUID.randomUUID(), repaired.host(2), Actor.api("127.0.0.1"));
                kafka.send(CloudEvents.record(Topics.HOST_REAPPLY_REQUESTED, forged, TestTrust.signer(Signer.RENDERER)))
                        .get();
                // refused when read: nothing is applied for it, ever
                awaitUntrusted(deployer.getBean(MeterRegistry.class), Topics.HOST_REAPPLY_REQUESTED, 1, reader);
                assertThat(reader.reports()).noneMatch(r -> r.recordKey().equals("repaired/h2") && r.cause() == Cause.REAPPLY);

                assertThat(deployer.getBean(MeterRegistry.class).get("wgmesh.host.drift")
                        .tags("group", "reported", "host", "h1").gauge().value()).isEqualTo(1.0);
                assertThat(deployer.getBean(MeterRegistry.class).get("wgmesh.host.drift")
                        .tags("group", "repaired", "host", "h1").gauge().value()).isEqualTo(0.0);
            }

            // a new disk: no files, no record of applying them; nothing new on the topics
            deleteRecursively(out);
            try (ConfigurableApplicationContext restarted = start(key, out)) {
                reader.awaitReports(all -> all.stream().filter(r -> groups.contains(r.group())
                        && r.cause() == Cause.RESTORE && r.outcome() == Outcome.APPLIED).map(DeploymentReported::recordKey).distinct().count() == 5);
                assertThat(out.resolve("repaired/h3/wg-2.conf")).exists();
                assertThat(out.resolve("reported/h1/wg-1.conf")).exists();
            }
        }
    }

    /** Reads on until the deployer has refused {@code count} records of the topic as untrusted. */
    private static void awaitUntrusted(MeterRegistry meters, String topic, int count, TopicReader reader) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (untrusted(meters, topic) < count && System.nanoTime() < deadline) {
            reader.readFor(Duration.ofMillis(100));
        }
        assertThat(untrusted(meters, topic)).as("untrusted records of %s", topic).isEqualTo(count);
    }

    private static double untrusted(MeterRegistry meters, String topic) {
        Counter counter = meters.find(DeadLetters.UNTRUSTED_COUNTER).tag("topic", topic).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Predicate<List<DeploymentReported>> repairOf(String group, String host) {
        return all -> all.stream().anyMatch(r -> r.recordKey().equals(group + "/" + host)
                && r.cause() == Cause.DRIFT_REPAIR && r.outcome() == Outcome.APPLIED);
    }

    private ConfigurableApplicationContext start(Path key, Path out) throws Exception {
        Files.createDirectories(out);
        return new SpringApplicationBuilder(DeployerApplication.class).run(
                "--spring.kafka.bootstrap-servers=" + TestBroker.brokers(),
                "--server.port=0",
                "--wgmesh.replica=drift-test",
                "--wgmesh.warm-up-hosts=0",
                "--wgmesh.out-dir=" + out,
                "--wgmesh.observe-interval=" + OBSERVE_INTERVAL.toMillis() + "ms",
                "--wgmesh.deployer-private-key-file=" + key);
    }

    private static void deleteRecursively(Path path) throws Exception {
        try (var paths = Files.walk(path)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
