package dev.wgmesh.deployer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.deployer.DeployerApplication;
import dev.wgmesh.deployer.TestGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;

/** Two deployer replicas in one consumer group share the partitions and together apply every host. */
@EmbeddedKafka
class TwoReplicasKafkaTest {

    @TempDir
    Path dir;

    @Test
    void twoReplicasShareTheHosts(EmbeddedKafkaBroker broker) throws Exception {
        Path key = TestGroup.writeDeployerKey(dir);
        try (ConfigurableApplicationContext a = start(broker, key, "replica-a");
             ConfigurableApplicationContext b = start(broker, key, "replica-b");
             TopicReader reader = new TopicReader(broker.getBrokersAsString())) {
            // both replicas hold half of the 12 partitions before anything is published
            ContainerTestUtils.waitForAssignment(container(a), 6);
            ContainerTestUtils.waitForAssignment(container(b), 6);

            TestGroup group = new TestGroup("gamma", 8);
            @SuppressWarnings("unchecked")
            KafkaTemplate<String, byte[]> kafka = a.getBean(KafkaTemplate.class);
            for (HostConfigRendered record : group.render(1).values()) {
                kafka.send(CloudEvents.record(Topics.HOST_CONFIG_RENDERED,
                        HostConfigRendered.key(record.group(), record.host()), record, "/wgmesh/test")).get();
            }

            List<DeploymentReported> reports = reader.awaitReports(all -> all.stream()
                    .filter(r -> r.outcome() == Outcome.APPLIED).map(DeploymentReported::host).distinct().count() == 8);

            assertThat(reports).hasSize(8).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.APPLIED));
            assertThat(reports.stream().map(DeploymentReported::replica).collect(Collectors.toSet()))
                    .isEqualTo(Set.of("replica-a", "replica-b"));
            for (DeploymentReported report : reports) {
                Path hostDir = dir.resolve(report.replica()).resolve("gamma").resolve(report.host().value());
                assertThat(hostDir.resolve("wg-1.conf")).as("written by the replica that reported it").exists();
            }
        }
    }

    private ConfigurableApplicationContext start(EmbeddedKafkaBroker broker, Path key, String replica) throws Exception {
        Path out = Files.createDirectories(dir.resolve(replica));
        return new SpringApplicationBuilder(DeployerApplication.class).run(
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--wgmesh.replica=" + replica,
                "--wgmesh.out-dir=" + out,
                "--wgmesh.deployer-private-key-file=" + key);
    }

    private static Object container(ConfigurableApplicationContext context) {
        return context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("wgmesh-deployer");
    }
}
