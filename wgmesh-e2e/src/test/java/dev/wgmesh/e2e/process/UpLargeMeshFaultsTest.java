package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.e2e.Api;
import dev.wgmesh.e2e.TopicRecords;
import dev.wgmesh.kafka.KafkaAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's faults during a 1,000-host rollout, through {@code wgmesh up --brokers 3 --ha --deployers 2} as a user
 * runs it (up's own heaps): while the deployers apply a change to a 1,000-host mesh, the broker leading the rendered
 * configs is killed with SIGKILL; later, while another change rolls out and the next is being keyed, the keygen and
 * renderer replicas that own the group are killed together. Changes go on after each kill. Every accepted change
 * converges, every host runs the last one, no host applies an older revision after a newer one, every answer comes
 * within 15 s (a 503 is sent again; {@link Faults#retryWhile503} checks each), and no change takes effect twice.
 * Figures are printed.
 */
class UpLargeMeshFaultsTest {

    private static final int HOSTS = 1000;
    private static final String GROUP = "large";
    /** Changes sent after each kill. */
    private static final int AFTER_KILL = 3;
    private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(5);

    private final List<Faults.Change> accepted = new ArrayList<>();
    private final List<Duration> answers = new ArrayList<>();
    private int refused;
    private int mtu = 1300;

    @Test
    void aThousandHostRolloutLosesTheLeadingBrokerThenTheKeygenAndRendererThatOwnItAndNothingIsLostOrDoubled()
            throws Exception {
        int port = UpRun.freeApiPort();
        try (UpRun up = UpRun.start("UpLargeMeshFaultsTest", List.of("--brokers", "3", "--ha", "--deployers", "2",
                "--port", Integer.toString(port), "--kafka-port", Integer.toString(UpRun.freeKafkaPorts(3)),
                "--timeout", "300"), false)) {
            up.awaitOutput(UpRun.READY, Duration.ofMinutes(6));
            Api api = up.api(port);
            Instant first = Instant.now();
            api.awaitConverged(GROUP, change(api).revision(), CONVERGE_TIMEOUT);
            System.out.printf("[large] %d-host mesh on 3 brokers, --ha, 2 deployers: first change converged in %.1f s%n",
                    HOSTS, seconds(first));
            Map<String, Object> kafka = up.kafkaLogin(KafkaAccess.ADMIN);

            // the broker leading the rendered configs, while the deployers apply a change
            long rolling = change(api).revision();
            long appliedAtKill = awaitRollingOut(api, rolling);
            int leader;
            try (Admin admin = Admin.create(kafka)) {
                leader = Faults.describe(admin, Topics.HOST_CONFIG_RENDERED).partitions().get(0).leader().id();
            }
            Instant killed = kill(up, "kafka-" + leader);
            Faults.Change last = changesAfterKill(api);
            api.awaitConverged(GROUP, last.revision(), CONVERGE_TIMEOUT);
            System.out.printf("[large] kafka-%d (leader of %s-0) killed with %d of %d hosts at revision %d: %d changes "
                    + "after it, the last converged %.1f s after the kill%n", leader, Topics.HOST_CONFIG_RENDERED,
                    appliedAtKill, HOSTS, rolling, AFTER_KILL, seconds(killed));
            Faults.assertDeployedFiles(groupDir(up), last.mtu(), HOSTS);
            up.awaitOutput("[wgmesh] restarted kafka-" + leader + " (pid ", Duration.ofSeconds(60));
            try (Admin admin = Admin.create(kafka)) {
                Faults.awaitEveryReplicaInSync(admin, 3, Duration.ofSeconds(120));
            }
            System.out.printf("[large] kafka-%d back, every partition 3 in sync %.1f s after the kill%n", leader,
                    seconds(killed));

            // the group's keygen and renderer, while one change rolls out and the next is being keyed
            rolling = change(api).revision();
            appliedAtKill = awaitRollingOut(api, rolling);
            String keygen = up.ownerOf("keygen-service", "keyed group " + GROUP + " revision " + rolling + " (");
            String renderer = up.ownerOf("renderer-service", "group " + GROUP + " revision " + rolling + " (");
            long keying = change(api).revision();
            killed = kill(up, keygen);
            kill(up, renderer);
            last = changesAfterKill(api);
            api.awaitConverged(GROUP, last.revision(), CONVERGE_TIMEOUT);
            System.out.printf("[large] %s and %s killed with %d of %d hosts at revision %d and revision %d just "
                    + "accepted: %d changes after them, the last converged %.1f s after the kill%n", keygen, renderer,
                    appliedAtKill, HOSTS, rolling, keying, AFTER_KILL, seconds(killed));
            Faults.assertDeployedFiles(groupDir(up), last.mtu(), HOSTS);
            up.awaitOutput("[wgmesh] restarted " + renderer + " (pid ", Duration.ofSeconds(60));

            System.out.printf("[large] %d changes accepted, %d answers 503 (sent again), slowest answer %.1f s%n",
                    accepted.size(), refused, answers.stream().mapToLong(Duration::toMillis).max().orElse(0) / 1000.0);
            List<DeploymentReported> reports = TopicRecords.reports(kafka).get(GROUP);
            Faults.assertRevisionsNeverGoBack(reports);
            System.out.printf("[large] %d APPLIED reports repeat one of the same host and revision (same file)%n",
                    Faults.assertReappliedTheSame(reports));
            Faults.assertEachChangeTookEffectOnce(kafka, Map.of(GROUP, accepted));
            assertThat(up.stop(Duration.ofMinutes(3))).as(up.output()).isZero();
        }
    }

    /** A new MTU for the group, sent again after each 503; the accepted change. */
    private Faults.Change change(Api api) throws InterruptedException {
        int changeMtu = ++mtu;
        Faults.Retried retried = Faults.retryWhile503(
                () -> api.put(GROUP, Faults.mesh(HOSTS, changeMtu).toString(), Duration.ofSeconds(30)), Duration.ofSeconds(90));
        answers.addAll(retried.took());
        refused += retried.refused();
        Api.Response answer = retried.answer();
        assertThat(answer.status()).as(answer.text()).isIn(200, 201);
        Faults.Change change = new Faults.Change(answer.body().path("revision").asLong(), changeMtu);
        accepted.add(change);
        return change;
    }

    private Faults.Change changesAfterKill(Api api) throws InterruptedException {
        Faults.Change last = null;
        for (int i = 0; i < AFTER_KILL; i++) {
            last = change(api);
        }
        return last;
    }

    /** Until a tenth of the hosts applied {@code revision}: the deployers are mid-rollout. Returns how many did. */
    private static long awaitRollingOut(Api api, long revision) throws InterruptedException {
        Instant deadline = Instant.now().plus(CONVERGE_TIMEOUT);
        long applied;
        while ((applied = api.appliedAtLeast(GROUP, revision)) < HOSTS / 10) {
            assertThat(Instant.now()).as("a tenth of the hosts at revision %d", revision).isBefore(deadline);
            Thread.sleep(100);
        }
        return applied;
    }

    private static Instant kill(UpRun up, String process) throws Exception {
        ProcessHandle.of(up.pidOf(process)).orElseThrow().destroyForcibly();
        return Instant.now();
    }

    private static Path groupDir(UpRun up) {
        return up.workDir().resolve(Path.of("data", "out", GROUP));
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }
}
