package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.e2e.Api;
import dev.wgmesh.kafka.KafkaAccess;
import dev.wgmesh.kafka.KafkaSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code wgmesh up} on three brokers, as a user runs it: every topic has three replicas and needs two in sync; the
 * broker leading the rendered configs is killed with SIGKILL, a change made right after converges, the supervisor
 * starts the broker again and it catches up without help. With {@code --ha} the first replica of config-, keygen-
 * and renderer-service killed together. And {@code up --kafka} on a cluster it did not start.
 */
class UpClusterTest {

    private static final String GROUP = "hoster-6-hosts";

    @Test
    void threeBrokersLoseTheLeaderOfTheRenderedConfigsAndNothingIsLost() throws Exception {
        int port = UpRun.freeApiPort();
        try (UpRun up = UpRun.start("UpClusterTest", List.of("--brokers", "3", "--port", Integer.toString(port),
                "--kafka-port", Integer.toString(UpRun.freeKafkaPorts(3)), "--timeout", "300"))) {
            up.awaitOutput(UpRun.READY, Duration.ofMinutes(6));
            assertThat(up.output()).contains("every topic has 3 replicas, a write needs 2 in sync");
            Api api = up.api(port);
            try (Admin admin = Admin.create(up.kafkaLogin(KafkaAccess.ADMIN))) {
                TopicDescription rendered = Faults.describe(admin, Topics.HOST_CONFIG_RENDERED);
                assertThat(rendered.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                assertThat(minInSync(admin, Topics.HOST_CONFIG_RENDERED)).isEqualTo("2");
                assertThat(Faults.describe(admin, "__consumer_offsets").partitions().get(0).replicas()).hasSize(3);
                assertThat(Faults.describe(admin, "__transaction_state").partitions().get(0).replicas()).hasSize(3);

                int leader = rendered.partitions().get(0).leader().id();
                long victim = up.pidOf("kafka-" + leader);
                ProcessHandle.of(victim).orElseThrow().destroyForcibly();
                Instant killed = Instant.now();
                // until the controller gives the dead broker's partitions new leaders a write may be refused: a 503,
                // as a user's client would see it and retry
                Faults.Retried retried = Faults.retryWhile503(
                        () -> api.post("/api/v1/groups/" + GROUP + "/hosts/hoster-node-02/rotate-keys"), Duration.ofSeconds(60));
                Api.Response rotated = retried.answer();
                assertThat(rotated.status()).as(rotated.text()).isEqualTo(202);
                Duration accepted = Duration.between(killed, Instant.now());
                long revision = rotated.body().path("revision").asLong();
                JsonNode status = api.awaitConverged(GROUP, revision, Duration.ofMinutes(3));
                System.out.printf("[cluster] kafka-%d (leader of %s-0) killed: a rotation was accepted %.1f s later (%d "
                        + "answers 503 before), converged %.1f s after the kill%n", leader, Topics.HOST_CONFIG_RENDERED,
                        accepted.toMillis() / 1000.0, retried.refused(), Duration.between(killed, Instant.now()).toMillis() / 1000.0);
                assertThat(status.path("hosts")).hasSize(6).allSatisfy(host ->
                        assertThat(host.path("appliedRevision").asLong()).isGreaterThanOrEqualTo(revision));

                up.awaitOutput("[wgmesh] restarted kafka-" + leader + " (pid ", Duration.ofSeconds(60));
                Faults.awaitEveryReplicaInSync(admin, 3, Duration.ofSeconds(90));
                System.out.printf("[cluster] kafka-%d back and every partition has 3 replicas in sync %.1f s after the kill%n",
                        leader, Duration.between(killed, Instant.now()).toMillis() / 1000.0);
            }
            Instant asked = Instant.now();
            int exit = up.stop(Duration.ofMinutes(3));
            assertThat(exit).as(up.output()).isZero();
            System.out.printf("[cluster] SIGTERM: up stopped its 3 brokers and 4 services in %.1f s%n",
                    Duration.between(asked, Instant.now()).toMillis() / 1000.0);
        }
    }

    @Test
    void withHaEveryServiceHasASecondReplicaThatCarriesOnWhenTheFirstIsKilled() throws Exception {
        int port = UpRun.freeApiPort();
        try (UpRun up = UpRun.start("UpClusterTest-ha", List.of("--ha", "--port", Integer.toString(port),
                "--kafka-port", Integer.toString(UpRun.freeKafkaPorts(1)), "--timeout", "300"))) {
            up.awaitOutput(UpRun.READY, Duration.ofMinutes(6));
            Api first = up.api(port);
            Api second = up.api(port + 1);
            assertThat(second.get("/api/v1/groups/" + GROUP + "/status").body().path("converged").asBoolean())
                    .as("the second replica answers as the first").isTrue();

            // the replicas that own the group: those that logged its first revision
            List<String> owners = List.of(up.ownerOf("config-service", "for group " + GROUP + " by"),
                    up.ownerOf("keygen-service", "keyed group " + GROUP + " revision"),
                    up.ownerOf("renderer-service", "group " + GROUP + " revision"));
            Instant killed = Instant.now();
            for (String service : owners) {
                ProcessHandle.of(up.pidOf(service)).orElseThrow().destroyForcibly();
            }
            Api survivor = owners.get(0).endsWith("-1") ? second : first;
            // the survivors take the dead replicas' partitions over once the group notices (a session timeout)
            Faults.Retried retried = Faults.retryWhile503(
                    () -> survivor.post("/api/v1/groups/" + GROUP + "/hosts/hoster-node-03/rotate-keys"), Duration.ofSeconds(90));
            Api.Response rotated = retried.answer();
            assertThat(rotated.status()).as(rotated.text()).isEqualTo(202);
            Duration accepted = Duration.between(killed, Instant.now());
            long revision = rotated.body().path("revision").asLong();
            survivor.awaitConverged(GROUP, revision, Duration.ofMinutes(3));
            System.out.printf("[ha] %s killed (the group's owners): a rotation through the other API was accepted "
                    + "%.1f s later (%d answers 503 before) and converged %.1f s after the kill%n", owners,
                    accepted.toMillis() / 1000.0, retried.refused(), Duration.between(killed, Instant.now()).toMillis() / 1000.0);

            Api restarted = survivor == first ? second : first;
            up.awaitOutput("[wgmesh] restarted " + owners.get(0) + " (pid ", Duration.ofSeconds(60));
            UpRun.awaitAnswer(restarted, "/api/v1/groups/" + GROUP + "/status", Duration.ofMinutes(2));
            assertThat(restarted.get("/api/v1/groups/" + GROUP + "/status").body().path("revision").asLong())
                    .isEqualTo(revision);
            assertThat(up.stop(Duration.ofMinutes(3))).as(up.output()).isZero();
        }
    }

    @Test
    void upOnAClusterItDidNotStartStartsNoBrokerAndLeavesTheClusterRunning() throws Exception {
        Path dir = Files.createTempDirectory("wgmesh-cluster-");
        Processes.deleteAtExit(dir);
        List<BrokerProcess> cluster = BrokerProcess.startCluster(dir.resolve("kafka"),
                Files.createDirectories(Path.of("target", "process-logs", "UpClusterTest-cluster").toAbsolutePath()),
                Processes.jvmOptions(), true, 3);
        try {
            // as an operator prepares a cluster: users, topics with three replicas, ACLs
            KafkaSetup.apply(cluster.get(0).credentials(), BrokerProcess.toolsBootstrapServers(cluster), (short) 3);
            int port = UpRun.freeApiPort();
            Path login = dir.resolve("kafka/clients/" + KafkaAccess.ADMIN + ".properties");
            try (UpRun up = UpRun.start("UpClusterTest-external", List.of("--kafka",
                    BrokerProcess.bootstrapServers(cluster), "--kafka-config", login.toString(),
                    "--port", Integer.toString(port), "--timeout", "300"))) {
                up.awaitOutput(UpRun.READY, Duration.ofMinutes(6));
                String said = up.output();
                assertThat(said).contains("no broker is started", "Kafka answers: 3 broker(s)")
                        .doesNotContain("started kafka");
                Api api = up.api(port);
                assertThat(api.get("/api/v1/groups/" + GROUP + "/status").body().path("converged").asBoolean()).isTrue();
                assertThat(up.stop(Duration.ofMinutes(3))).as(up.output()).isZero();
            }
            assertThat(cluster).allSatisfy(broker -> assertThat(broker.isAlive()).as(broker.name()).isTrue());
        } finally {
            BrokerProcess.stopAll(cluster);
        }
    }

    private static String minInSync(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        return config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value();
    }
}
