package dev.wgmesh.deployer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.deployer.DeployerApplication;
import dev.wgmesh.deployer.TestGroup;
import dev.wgmesh.kafka.testing.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;

/** Two deployer replicas in one consumer group share the partitions and together apply every host. */
class TwoReplicasKafkaTest {

    @TempDir
    Path dir;

    @Test
    void twoReplicasShareTheHosts() throws Exception {
        Path key = TestGroup.writeDeployerKey(dir);
        try (ConfigurableApplicationContext a = start(key, "replica-a");
             ConfigurableApplicationContext b = start(key, "replica-b");
             TopicReader reader = new TopicReader(TestBroker.brokers())) {
            // both replicas hold half of the 12 partitions before anything is published
            awaitHalfEach(container(a), container(b));

            TestGroup group = new TestGroup("shared", 8);
            @SuppressWarnings("unchecked")
            KafkaTemplate<String, byte[]> kafka = a.getBean(KafkaTemplate.class);
            for (HostConfigRendered record : group.render(1).values()) {
                kafka.send(CloudEvents.record(Topics.HOST_CONFIG_RENDERED, record, TestTrust.signer(Signer.RENDERER))).get();
            }

            List<DeploymentReported> reports = reader.awaitReports(all -> all.stream().filter(r -> r.group().equals(group.group)
                    && r.outcome() == Outcome.APPLIED).map(DeploymentReported::host).distinct().count() == 8)
                    .stream().filter(r -> r.group().equals(group.group)).toList();

            assertThat(reports).hasSize(8).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.APPLIED));
            assertThat(reports.stream().map(DeploymentReported::replica).collect(Collectors.toSet()))
                    .isEqualTo(Set.of("replica-a", "replica-b"));
            for (DeploymentReported report : reports) {
                Path hostDir = dir.resolve(report.replica()).resolve("shared").resolve(report.host().value());
                assertThat(hostDir.resolve("wg-1.conf")).as("written by the replica that reported it").exists();
            }
        }
    }

    private ConfigurableApplicationContext start(Path key, String replica) throws Exception {
        Path out = Files.createDirectories(dir.resolve(replica));
        return new SpringApplicationBuilder(DeployerApplication.class).run(
                "--spring.kafka.bootstrap-servers=" + TestBroker.brokers(),
                "--wgmesh.replica=" + replica,
                "--wgmesh.warm-up-hosts=0",
                "--wgmesh.out-dir=" + out,
                "--wgmesh.deployer-private-key-file=" + key,
                // two replicas in one JVM: each its own free management port
                "--server.port=0");
    }

    private static MessageListenerContainer container(ConfigurableApplicationContext context) {
        return context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("wgmesh-deployer");
    }

    /** The group rebalances when the second replica joins; on a loaded machine that takes a while. */
    private static void awaitHalfEach(MessageListenerContainer a, MessageListenerContainer b) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!(assigned(a) == 6 && assigned(b) == 6) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(List.of(assigned(a), assigned(b))).as("partitions of replica a and b").containsExactly(6, 6);
    }

    private static int assigned(MessageListenerContainer container) {
        var partitions = container.getAssignedPartitions();
        return partitions == null ? 0 : partitions.size();
    }
}
