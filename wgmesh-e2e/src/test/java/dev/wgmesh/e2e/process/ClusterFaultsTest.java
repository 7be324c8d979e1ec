package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.cli.process.WgmeshProcesses;
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
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * wgmesh on three brokers as separate processes, a 200-host mesh changing while a broker is stopped for 60 s: every
 * accepted change converges, no host applies an older revision after a newer one, the API answers within 15 s, and
 * the broker catches up without help when it starts again. Figures are printed. A broker killed during a 1,000-host
 * rollout: UpLargeMeshFaultsTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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
    void aBrokerStoppedForAMinuteWhileChangesGoOnCatchesUpWithoutHelp() throws Exception {
        api.awaitConverged(GROUP, change(), CONVERGE_TIMEOUT);
        BrokerProcess stopped = wgmesh.brokers().get(2);
        Instant stoppedAt = Instant.now();
        stopped.stop();
        List<Duration> answers = new ArrayList<>();
        long last = 0;
        while (seconds(stoppedAt) < 60) {
            last = changeRetrying(answers);
            api.awaitConverged(GROUP, last, CONVERGE_TIMEOUT);
        }
        Faults.assertDeployedFiles(workDir.resolve("out").resolve(GROUP), mtu, HOSTS);
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

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }
}
