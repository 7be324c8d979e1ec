package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.e2e.Api;
import dev.wgmesh.e2e.TopicRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's rolling restart, through {@code wgmesh up --ha --deployers 2} as a user runs it: while a client changes
 * 50 groups of 10 hosts in turn, each change a new MTU, every service process is stopped with SIGTERM one by one (as
 * an operator's rolling restart would), up starts it again, and the next is stopped only once it is back. Every
 * accepted change converges, no host applies an older revision after a newer one, every answer comes within 15 s
 * (a 503 is sent again), and no change takes effect twice. One broker, for CI's time: UpClusterTest and
 * ClusterFaultsTest lose brokers. Figures are printed.
 */
class UpRollingRestartTest {

    private static final int GROUPS = 50;
    private static final int HOSTS = 10;
    /** What {@code up --ha --deployers 2} starts, in the order they are restarted. */
    private static final List<String> SERVICES = List.of("config-service-1", "config-service-2", "keygen-service-1",
            "keygen-service-2", "renderer-service-1", "renderer-service-2", "deployer-service-1", "deployer-service-2");
    /** Between two changes: a steady stream that leaves the two cores of CI room to start the services again. */
    private static final Duration PAUSE = Duration.ofMillis(250);
    private static final Duration BACK_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(3);

    @Test
    void everyServiceRestartedOneByOneUnderAStreamOfChangesToFiftyGroups() throws Exception {
        int port = UpRun.freeApiPort();
        Instant upStarted = Instant.now();
        try (UpRun up = UpRun.start("UpRollingRestartTest", List.of("--ha", "--deployers", "2",
                "--port", Integer.toString(port), "--kafka-port", Integer.toString(UpRun.freeKafkaPorts(1)),
                "--timeout", "300"))) {
            up.awaitOutput(UpRun.READY, Duration.ofMinutes(6));
            Duration startingUp = Duration.between(upStarted, Instant.now());
            Api api = up.api(port);
            Changes changes = new Changes(api);
            for (int i = 0; i < GROUPS; i++) {
                changes.next();
            }
            Instant started = Instant.now();
            changes.start();
            List<String> restarts = new ArrayList<>();
            for (String service : SERVICES) {
                if (service.startsWith("config-service")) {
                    // as a load balancer that drains the replica it is told will stop
                    changes.sendTo(up.service(service.endsWith("-1") ? "config-service-2" : "config-service-1"));
                }
                restarts.add(restart(up, service));
                changes.checkRunning();
            }
            changes.stop();
            Instant streamEnded = Instant.now();
            System.out.printf("[rolling] up ready in %.1f s; %d changes to %d groups of %d hosts, %d of them in %.1f s "
                    + "while %d services were restarted one by one: %d answers 503 (sent again), slowest answer %.1f s%n",
                    seconds(startingUp), changes.count(), GROUPS, HOSTS, changes.count() - GROUPS,
                    seconds(Duration.between(started, streamEnded)), SERVICES.size(), changes.refused,
                    seconds(Collections.max(changes.answers)));
            System.out.printf("[rolling] SIGTERM: %s%n", String.join("; ", restarts));

            for (Map.Entry<String, List<Faults.Change>> group : changes.accepted.entrySet()) {
                Faults.Change last = group.getValue().get(group.getValue().size() - 1);
                api.awaitConverged(group.getKey(), last.revision(), CONVERGE_TIMEOUT);
                Faults.assertDeployedFiles(up.workDir().resolve(Path.of("data", "out", group.getKey())), last.mtu(), HOSTS);
            }
            Duration converged = Duration.between(streamEnded, Instant.now());
            Map<String, Object> kafka = up.kafkaLogin("observer");
            Map<String, List<DeploymentReported>> reports = TopicRecords.reports(kafka);
            long reapplied = 0;
            for (String group : changes.accepted.keySet()) {
                Faults.assertRevisionsNeverGoBack(reports.get(group));
                reapplied += Faults.assertReappliedTheSame(reports.get(group));
            }
            System.out.printf("[rolling] every group converged at its last change %.1f s after the stream stopped; %d "
                    + "APPLIED reports repeat one of the same host and revision (same file)%n", seconds(converged), reapplied);
            Faults.assertEachChangeTookEffectOnce(kafka, changes.accepted);
            assertThat(up.stop(Duration.ofMinutes(3))).as(up.output()).isZero();
        }
    }

    /**
     * SIGTERM, as an operator stops a service; up starts it again. Says its exit code, how long it took to stop
     * and how long from then until it answered.
     */
    private static String restart(UpRun up, String service) throws Exception {
        long pid = up.pidOf(service);
        Instant stopping = Instant.now();
        ProcessHandle.of(pid).orElseThrow().destroy();
        up.awaitOutput("[wgmesh] " + service + " exited (code ", BACK_TIMEOUT);
        Instant exited = Instant.now();
        up.awaitOutput("[wgmesh] restarted " + service + " (pid ", BACK_TIMEOUT);
        assertThat(up.pidOf(service)).isNotEqualTo(pid);
        UpRun.awaitAnswer(up.service(service), service.startsWith("config-service") ? "/api/v1/groups" : "/actuator/health",
                BACK_TIMEOUT);
        Matcher code = Pattern.compile(Pattern.quote("[wgmesh] " + service + " exited (code ") + "(\\d+)\\)")
                .matcher(up.output());
        assertThat(code.find()).isTrue();
        return String.format("%s exit %s after %.1f s, back %.1f s later", service, code.group(1),
                seconds(Duration.between(stopping, exited)), seconds(Duration.between(exited, Instant.now())));
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /**
     * The client: changes the groups in turn, each to a new MTU, a change sent again after each 503 (every answer
     * within 15 s), on a thread of its own until stopped. Only that thread touches the figures until {@link #stop}.
     */
    private static final class Changes {

        /** Group -> the changes the API accepted, in order. */
        final Map<String, List<Faults.Change>> accepted = new TreeMap<>();
        final List<Duration> answers = new ArrayList<>();
        int refused;
        private final FutureTask<Void> stream = new FutureTask<>(this::untilStopped);
        private volatile Api target;
        private volatile Api sending;
        private volatile boolean stopped;
        private int mtu = 1280;

        Changes(Api api) {
            target = api;
        }

        void start() {
            Thread thread = new Thread(stream, "changes");
            thread.setDaemon(true);
            thread.start();
        }

        /** From now on to {@code next}; returns once no request is under way at the API before. */
        void sendTo(Api next) throws Exception {
            target = next;
            while (sending != next) {
                checkRunning();
                Thread.sleep(10);
            }
        }

        /** Fails with the client's failure, if it had one. */
        void checkRunning() throws Exception {
            if (stream.isDone()) {
                stream.get();
            }
        }

        void stop() throws Exception {
            stopped = true;
            stream.get();
        }

        int count() {
            return accepted.values().stream().mapToInt(List::size).sum();
        }

        private Void untilStopped() throws InterruptedException {
            while (!stopped) {
                next();
                Thread.sleep(PAUSE.toMillis());
            }
            return null;
        }

        void next() throws InterruptedException {
            String group = String.format("rolling-%02d", count() % GROUPS + 1);
            int changeMtu = ++mtu;
            Faults.Retried retried = Faults.retryWhile503(() -> {
                sending = target;
                return sending.put(group, Faults.mesh(HOSTS, changeMtu).toString(), Duration.ofSeconds(30));
            }, Duration.ofSeconds(60));
            answers.addAll(retried.took());
            refused += retried.refused();
            Api.Response answer = retried.answer();
            assertThat(answer.status()).as("%s: %s", group, answer.text()).isIn(200, 201);
            accepted.computeIfAbsent(group, g -> new ArrayList<>())
                    .add(new Faults.Change(answer.body().path("revision").asLong(), changeMtu));
        }
    }
}
