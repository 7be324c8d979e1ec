package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.WgmeshCommand;
import dev.wgmesh.cli.process.BrokerProcess;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.e2e.Api;
import dev.wgmesh.kafka.KafkaCredentials;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code wgmesh up} as a user runs it: the command's main in its own JVM, from this test's classpath and checkout,
 * with its data in a temp folder and its output in target/process-logs. Closing it kills what is left of it and
 * of every process it printed a pid of.
 */
final class UpRun implements AutoCloseable {

    static final String READY = "[wgmesh] a process that dies is started again; press Ctrl-C to stop everything";
    private static final Random RANDOM = new Random();
    private static final Pattern PID = Pattern.compile("\\[wgmesh] (?:started|restarted) (\\S+) \\(pid (\\d+)\\)");

    private final Path workDir;
    private final Path output;
    private final Process up;

    private UpRun(Path workDir, Path output, Process up) {
        this.workDir = workDir;
        this.output = output;
        this.up = up;
    }

    /** Starts {@code wgmesh up} with these arguments, its JVMs with the tests' small heaps; {@code name} names its output file. */
    static UpRun start(String name, List<String> args) throws IOException {
        return start(name, args, true);
    }

    /**
     * The same; with {@code smallHeaps} false the JVMs get up's own options, as a user's (a 1,000-host group needs
     * them).
     */
    static UpRun start(String name, List<String> args, boolean smallHeaps) throws IOException {
        Path home = Path.of(System.getProperty("user.dir")).getParent();
        Path workDir = Files.createTempDirectory("wgmesh-up-");
        Processes.deleteAtExit(workDir);
        Path output = Path.of("target", "process-logs", name + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".out").toAbsolutePath();
        Files.createDirectories(output.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dwgmesh.home=" + home, "-Dwgmesh.data-dir=" + workDir.resolve("data"),
                "-cp", System.getProperty("java.class.path"), WgmeshCommand.class.getName(), "up"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        if (smallHeaps) {
            // many JVMs share two cores in CI
            String jvmOptions = String.join(" ", Processes.jvmOptions());
            builder.environment().put("WGMESH_JAVA_OPTS", jvmOptions);
            builder.environment().put("WGMESH_KAFKA_JAVA_OPTS", jvmOptions);
        }
        return new UpRun(workDir, output, builder.start());
    }

    Path workDir() {
        return workDir;
    }

    Process process() {
        return up;
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    /** The API of the run, with the token it made. */
    Api api(int port) throws IOException {
        return new Api("http://127.0.0.1:" + port,
                Files.readString(workDir.resolve("data/api-token"), StandardCharsets.US_ASCII).trim());
    }

    /**
     * The HTTP port of a service up started, from the metrics line it printed: config-service's API, the others'
     * health and metrics.
     */
    Api service(String name) throws IOException {
        Matcher matcher = Pattern.compile("\\[wgmesh] metrics: " + Pattern.quote(name) + " http://127\\.0\\.0\\.1:(\\d+)/")
                .matcher(output());
        assertThat(matcher.find()).as("metrics line of %s", name).isTrue();
        return api(Integer.parseInt(matcher.group(1)));
    }

    /** A Kafka client's settings for up's brokers: the PLAIN listeners up printed for kcat and {@code principal}'s login. */
    Map<String, Object> kafkaLogin(String principal) throws IOException {
        String line = output().lines().filter(l -> l.contains("(kcat, PLAIN)")).findFirst().orElseThrow();
        Map<String, Object> config = new HashMap<>(KafkaCredentials.read(workDir.resolve("data/kafka"),
                Processes.topicNames()).plainJavaClient(principal));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                line.substring(line.indexOf(" and ") + 5, line.indexOf(" (kcat, PLAIN)")));
        return config;
    }

    /** Until {@code path} answers 200: a restarted service is back. */
    static void awaitAnswer(Api api, String path, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!answers(api, path)) {
            assertThat(Instant.now()).as("%s%s answers", api.base(), path).isBefore(deadline);
            Thread.sleep(200);
        }
    }

    private static boolean answers(Api api, String path) {
        try {
            return api.get(path).status() == 200;
        } catch (AssertionError e) {
            // not listening yet
            return false;
        }
    }

    void awaitOutput(String line, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (output().contains(line)) {
                return;
            }
            if (!up.isAlive()) {
                throw new AssertionError("up exited with " + up.exitValue() + " before '" + line + "':\n" + output());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' within " + timeout + ":\n" + output());
    }

    /** The pid the last start of {@code name} printed. */
    long pidOf(String name) throws IOException {
        Matcher matcher = PID.matcher(output());
        long pid = -1;
        while (matcher.find()) {
            if (name.equals(matcher.group(1))) {
                pid = Long.parseLong(matcher.group(2));
            }
        }
        assertThat(pid).as("pid of %s", name).isPositive();
        return pid;
    }

    /** Which replica of {@code service} (under {@code --ha}) logged {@code line}: the one that owns a group's partition. */
    String ownerOf(String service, String line) throws IOException {
        for (String replica : List.of(service + "-1", service + "-2")) {
            if (Files.readString(workDir.resolve("data/logs/" + replica + ".log")).contains(line)) {
                return replica;
            }
        }
        throw new AssertionError("no replica of " + service + " logged '" + line + "'");
    }

    /** Every pid up printed: each start of each broker and service. */
    List<Long> allPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        if (Files.exists(output)) {
            Matcher matcher = PID.matcher(output());
            while (matcher.find()) {
                pids.add(Long.parseLong(matcher.group(2)));
            }
        }
        return pids;
    }

    /** SIGTERM, as Ctrl-C: returns the exit code, and asserts that no process it started outlives it. */
    int stop(Duration timeout) throws Exception {
        List<Long> children = allPids();
        up.destroy();
        assertThat(up.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as("up ended after SIGTERM").isTrue();
        assertThat(children).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                .as("pid %d", pid).isNotEqualTo(Optional.of(true)));
        return up.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (up.isAlive()) {
            up.destroyForcibly();
        }
        // the children run in sessions of their own: nothing of them may outlive the test
        allPids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        Processes.deleteTree(workDir);
    }

    /**
     * An API port P for up whose neighbours are free as well: P+1 (--ha), and P+10 to P+24 (the services' metrics, two deployers with --ha).
     * Below Linux's ephemeral ports (32768 on): a service binds its port only seconds after up starts, and a port
     * the kernel hands to some client meanwhile would fail it.
     */
    static int freeApiPort() {
        return freeBelowEphemeral(port -> free(port) && free(port + 1)
                && IntStream.rangeClosed(port + 10, port + 24).allMatch(UpRun::free));
    }

    /** A Kafka port K whose K+1 ... K+2n-1 and K+10 ... K+10+2(n-1) are free as well, for n brokers. */
    static int freeKafkaPorts(int brokers) {
        return freeBelowEphemeral(port -> BrokerProcess.Node.from(port, brokers).stream()
                .allMatch(node -> free(node.port()) && free(node.controllerPort()) && free(node.toolsPort())));
    }

    private static int freeBelowEphemeral(IntPredicate usable) {
        while (true) {
            int port = 20_000 + RANDOM.nextInt(12_000);
            if (usable.test(port)) {
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
