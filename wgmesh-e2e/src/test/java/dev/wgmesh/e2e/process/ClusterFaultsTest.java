package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.cli.process.WgmeshProcesses;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.e2e.Api;
import dev.wgmesh.e2e.TopicRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * wgmesh on three brokers as separate processes, a 200-host mesh changing while brokers fail: the broker leading
 * the rendered configs killed with SIGKILL mid-rollout under a stream of changes, and a broker stopped for 60 s
 * while changes go on. Every accepted change converges, no host applies an older revision after a newer one, the
 * API answers within 15 s, and a broker that comes back catches up without help. Figures are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsTest {

    private static final int HOSTS = 200;
    private static final String GROUP = "cluster";
    private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(3);

    private Path workDir;
    private WgmeshProcesses wgmesh;
    private Api api;
    private Admin admin;
    private int mtu = 1400;

    @BeforeAll
    void start() throws IOException {
        workDir = Files.createTempDirectory("wgmesh-cluster-faults-");
        Processes.deleteAtExit(workDir);
        Path logDir = Path.of("target", "process-logs",
                getClass().getSimpleName() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        wgmesh = new WgmeshProcesses(Path.of(System.getProperty("user.dir")).getParent(), workDir,
                logDir.toAbsolutePath(), Processes.jvmOptions(), Processes.jvmOptions(), 3);
        System.out.println("[cluster] logs in " + logDir.toAbsolutePath());
        wgmesh.startPipeline();
        api = new Api(wgmesh.apiBase(), wgmesh.apiToken());
        wgmesh.startDeployer("deployer-1", workDir.resolve("out"), Map.of());
        wgmesh.startDeployer("deployer-2", workDir.resolve("out"), Map.of());
        wgmesh.awaitDeployerGroup(2, Duration.ofMinutes(2));
        admin = Admin.create(Map.of("bootstrap.servers", wgmesh.bootstrapServers()));
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (admin != null) {
                admin.close();
            }
            if (wgmesh != null) {
                wgmesh.close();
            }
        } finally {
            Processes.deleteTree(workDir);
        }
    }

    @Test
    @Order(1)
    void theLeaderOfTheRenderedConfigsKilledMidRolloutUnderAStreamOfChanges() throws Exception {
        api.awaitConverged(GROUP, change(), CONVERGE_TIMEOUT);
        long rolling = change();
        while (api.appliedAtLeast(GROUP, rolling) < HOSTS / 10) {
            Thread.sleep(20);
        }
        int leader = admin.describeTopics(List.of(Topics.HOST_CONFIG_RENDERED)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(Topics.HOST_CONFIG_RENDERED).partitions().get(0).leader().id();
        BrokerProcess victim = wgmesh.brokers().get(leader - 1);
        Instant killed = Instant.now();
        victim.kill();
        List<Duration> answers = new ArrayList<>();
        long last = rolling;
        for (int i = 0; i < 5; i++) {
            last = changeRetrying(answers);
        }
        api.awaitConverged(GROUP, last, CONVERGE_TIMEOUT);
        System.out.printf("[cluster] %s (leader of %s-0) killed mid-rollout; 5 more changes answered in %s, the last "
                + "converged %.1f s after the kill%n", victim.name(), Topics.HOST_CONFIG_RENDERED,
                answers.stream().map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).toList(), seconds(killed));
        assertThat(answers).allSatisfy(took -> assertThat(took).isLessThan(Duration.ofSeconds(15)));
        assertEveryHostRuns(mtu);
        Faults.assertRevisionsNeverGoBack(TopicRecords.reports(wgmesh.bootstrapServers(), GROUP));

        Instant restarted = Instant.now();
        victim.start();
        Faults.awaitEveryReplicaInSync(admin, 3, Duration.ofSeconds(120));
        System.out.printf("[cluster] %s started again: every partition 3 in sync %.1f s later%n", victim.name(),
                seconds(restarted));
    }

    @Test
    @Order(2)
    void aBrokerStoppedForAMinuteWhileChangesGoOnCatchesUpWithoutHelp() throws Exception {
        BrokerProcess stopped = wgmesh.brokers().get(2);
        Instant stoppedAt = Instant.now();
        stopped.stop();
        List<Duration> answers = new ArrayList<>();
        long last = 0;
        while (seconds(stoppedAt) < 60) {
            last = changeRetrying(answers);
            api.awaitConverged(GROUP, last, CONVERGE_TIMEOUT);
        }
        assertThat(answers).allSatisfy(took -> assertThat(took).isLessThan(Duration.ofSeconds(15)));
        assertEveryHostRuns(mtu);
        Instant restarted = Instant.now();
        stopped.start();
        Faults.awaitEveryReplicaInSync(admin, 3, Duration.ofSeconds(120));
        System.out.printf("[cluster] %s stopped for %.0f s while %d changes converged; started again, every partition "
                + "3 in sync %.1f s later%n", stopped.name(), Duration.between(stoppedAt, restarted).toMillis() / 1000.0,
                answers.size(), seconds(restarted));
        Faults.assertRevisionsNeverGoBack(TopicRecords.reports(wgmesh.bootstrapServers(), GROUP));
    }

    /** A new MTU for the group: its revision. */
    private long change() {
        Api.Response answer = api.put(GROUP, Faults.mesh(HOSTS, ++mtu).toString());
        assertThat(answer.status()).as(answer.text()).isIn(200, 201);
        return answer.body().path("revision").asLong();
    }

    /** A change, sent again after a 503; each answer's time. */
    private long changeRetrying(List<Duration> answers) throws InterruptedException {
        mtu++;
        Faults.Retried retried = Faults.retryWhile503(
                () -> api.put(GROUP, Faults.mesh(HOSTS, mtu).toString(), Duration.ofSeconds(30)), Duration.ofSeconds(60));
        answers.addAll(retried.took());
        assertThat(retried.answer().status()).as(retried.answer().text()).isEqualTo(200);
        return retried.answer().body().path("revision").asLong();
    }

    /** Every host's one file holds the group's latest MTU. */
    private void assertEveryHostRuns(int expectedMtu) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(workDir.resolve("out").resolve(GROUP))) {
            files = walk.filter(p -> p.toString().endsWith(".conf")).toList();
        }
        assertThat(files).hasSize(HOSTS);
        for (Path file : files) {
            assertThat(Files.readString(file)).as("%s", file).contains("MTU = " + expectedMtu);
        }
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }
}
