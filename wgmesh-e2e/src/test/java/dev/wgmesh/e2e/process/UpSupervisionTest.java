package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.WgmeshCommand;
import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.e2e.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code wgmesh up} as a user runs it (the command's main in its own JVM), with three deployers: one killed with
 * SIGKILL is started again and the group converges at a new revision, every host APPLIED; SIGTERM then stops every
 * process it started and it exits 0.
 */
class UpSupervisionTest {

    private static final Pattern PID = Pattern.compile("\\[wgmesh] (?:started|restarted) (\\S+) \\(pid (\\d+)\\)"
            + "|\\[wgmesh] Kafka is up \\(pid (\\d+)\\)");
    private static final String GROUP = "hoster-6-hosts";

    @Test
    void aKilledDeployerComesBackAndSigtermStopsEverythingCleanly() throws Exception {
        Path home = Path.of(System.getProperty("user.dir")).getParent();
        Path workDir = Files.createTempDirectory("wgmesh-up-");
        Processes.deleteAtExit(workDir);
        Path output = Path.of("target", "process-logs", "UpSupervisionTest-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".out").toAbsolutePath();
        Files.createDirectories(output.getParent());
        int port = BrokerProcess.freePort();
        int kafkaPort = freeKafkaPorts();
        ProcessBuilder builder = new ProcessBuilder(javaCommand(home, workDir, List.of("up", "--deployers", "3",
                "--port", Integer.toString(port), "--kafka-port", Integer.toString(kafkaPort),
                "--out", workDir.resolve("out").toString(), "--timeout", "300")))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        // the tests' small heaps: seven JVMs share two cores in CI
        String jvmOptions = String.join(" ", Processes.jvmOptions());
        builder.environment().put("WGMESH_JAVA_OPTS", jvmOptions);
        builder.environment().put("WGMESH_KAFKA_JAVA_OPTS", jvmOptions);
        Process up = builder.start();
        try {
            awaitOutput(up, output, "[wgmesh] a process that dies is started again; press Ctrl-C to stop everything",
                    Duration.ofMinutes(6));
            Api api = new Api("http://127.0.0.1:" + port,
                    Files.readString(workDir.resolve("data/api-token"), StandardCharsets.US_ASCII).trim());
            assertThat(Files.readString(workDir.resolve("data/url")).trim()).isEqualTo(api.base());

            long victim = pidOf(output, "deployer-service-2");
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            awaitOutput(up, output, "[wgmesh] deployer-service-2 exited (code 137); restarting in 1 s", Duration.ofSeconds(30));
            awaitOutput(up, output, "[wgmesh] restarted deployer-service-2 (pid ", Duration.ofSeconds(30));
            assertThat(pidOf(output, "deployer-service-2")).isNotEqualTo(victim);

            // a change after the kill: every host applies it, whichever replica owns it now
            Api.Response rotated = api.post("/api/v1/groups/" + GROUP + "/hosts/hoster-node-02/rotate-keys");
            assertThat(rotated.status()).as(rotated.text()).isEqualTo(202);
            long revision = rotated.body().path("revision").asLong();
            JsonNode status = api.awaitConverged(GROUP, revision, Duration.ofMinutes(3));
            assertThat(status.path("hosts")).hasSize(6).allSatisfy(host -> {
                assertThat(host.path("state").asString()).isEqualTo("APPLIED");
                assertThat(host.path("appliedRevision").asLong()).isGreaterThanOrEqualTo(revision);
            });
            assertThat(up.isAlive()).isTrue();

            List<Long> children = allPids(output);
            up.destroy();
            assertThat(up.waitFor(3, TimeUnit.MINUTES)).as("up ended after SIGTERM").isTrue();
            String said = Files.readString(output);
            assertThat(up.exitValue()).as(said).isZero();
            assertThat(said).contains("[wgmesh] terminated", "[wgmesh] stopping the services", "[wgmesh] stopping Kafka",
                    "[wgmesh] stopped");
            assertThat(said.indexOf("stopping the services")).isLessThan(said.indexOf("stopping Kafka"));
            assertThat(children).hasSizeGreaterThanOrEqualTo(8)
                    .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("pid %d", pid)
                            .isNotEqualTo(Optional.of(true)));
        } finally {
            if (up.isAlive()) {
                up.destroyForcibly();
            }
            // the children run in sessions of their own: nothing of them may outlive the test
            allPids(output).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            Processes.deleteTree(workDir);
        }
    }

    /** The command's main, from this test's classpath, in this checkout, with its data in {@code workDir}. */
    private static List<String> javaCommand(Path home, Path workDir, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dwgmesh.home=" + home, "-Dwgmesh.data-dir=" + workDir.resolve("data"),
                "-cp", System.getProperty("java.class.path"), WgmeshCommand.class.getName()));
        command.addAll(args);
        return command;
    }

    private static void awaitOutput(Process up, Path output, String line, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (Files.readString(output).contains(line)) {
                return;
            }
            if (!up.isAlive()) {
                throw new AssertionError("up exited with " + up.exitValue() + " before '" + line + "':\n"
                        + Files.readString(output));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' within " + timeout + ":\n" + Files.readString(output));
    }

    /** The pid the last start of {@code name} printed. */
    private static long pidOf(Path output, String name) throws IOException {
        Matcher matcher = PID.matcher(Files.readString(output));
        long pid = -1;
        while (matcher.find()) {
            if (name.equals(matcher.group(1))) {
                pid = Long.parseLong(matcher.group(2));
            }
        }
        assertThat(pid).as("pid of %s", name).isPositive();
        return pid;
    }

    /** Every pid up printed: the broker's and each start of each service. */
    private static List<Long> allPids(Path output) throws IOException {
        List<Long> pids = new ArrayList<>();
        if (Files.exists(output)) {
            Matcher matcher = PID.matcher(Files.readString(output));
            while (matcher.find()) {
                pids.add(Long.parseLong(matcher.group(2) != null ? matcher.group(2) : matcher.group(3)));
            }
        }
        return pids;
    }

    /** A Kafka port K whose K+1 and K+10 are free as well. */
    private static int freeKafkaPorts() throws IOException {
        while (true) {
            int port = BrokerProcess.freePort();
            if (port + 10 <= 65535 && free(port + 1) && free(port + 10)) {
                return port;
            }
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
