package dev.wgmesh.cli.process;

import dev.wgmesh.common.events.TopicNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts child JVMs and remembers them, so that every one is ended however its owner (a test, the benchmark,
 * {@code wgmesh up}) ends: by its owner's stop, or by a shutdown hook when this JVM itself stops (a crash of the
 * run), which also deletes the folders registered with {@link #deleteAtExit}.
 */
public final class Processes {

    /** USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux this runs on. */
    private static final int CLOCK_TICKS = 100;
    private static final List<Process> RUNNING = new CopyOnWriteArrayList<>();
    private static final List<Path> FOLDERS = new CopyOnWriteArrayList<>();
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "wgmesh-process-cleanup"));
    }

    private Processes() {
    }

    /** The Java running this JVM, so the children run the same. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The services' JVM options for wgmesh up and bench: small heaps, since five JVMs share a laptop (512 MB: a
     * deployer needs more than 256 MB for a 1,000-host mesh). {@code WGMESH_JAVA_OPTS} replaces them; which JIT a
     * service uses comes before them ({@link #serviceJvmOptions}).
     */
    public static final String SERVICE_JAVA_OPTS = "-Xmx512m -XX:+UseSerialGC";
    /**
     * Put before a service's options under up and bench, so that {@code WGMESH_JAVA_OPTS} may choose another JIT:
     * config-service, keygen and the renderer parse, sign and move records, and on two shared cores the full JIT's
     * compiling cost them more than it saved in a run's first hundreds of changes (with the quick JIT only, up was
     * ready in 39 s instead of 61 s and 100 changes at once went 30 % faster). It has no SHA intrinsics, which
     * config-service felt while it read every health record as it came; now that it reads them when asked for, a
     * warm 1,000-host change costs it 2.1-2.3 CPU s (2.3-2.9 on the full JIT before: BENCHMARKS.md). The deployers
     * keep the full JIT: their X25519 needs it (a warm 1,000-host change took 11.5 s on the quick JIT, 7 s on the
     * full).
     */
    private static final List<String> QUICK_JIT = List.of("-XX:TieredStopAtLevel=1");

    /** The JVM options of a service of {@code module} ("config-service", ...): its JIT, then {@code options}. */
    public static List<String> serviceJvmOptions(String module, List<String> options) {
        List<String> all = new ArrayList<>(module.equals("deployer-service") ? List.of() : QUICK_JIT);
        all.addAll(options);
        return List.copyOf(all);
    }

    /**
     * The broker's, for wgmesh up and bench; {@code WGMESH_KAFKA_JAVA_OPTS} replaces them. Only the quick JIT
     * (C1): its work is moving bytes, and on two shared cores the full JIT's compiling was a third of its CPU even
     * after hundreds of changes; without it the first 1,000-host change after start converged in 14.9 and 16.2 s
     * instead of 20.1 and 19.0 s, and warm changes were no slower (BENCHMARKS.md).
     */
    public static final String BROKER_JAVA_OPTS = "-Xmx512m -Xms128m -XX:TieredStopAtLevel=1";

    /** The options in the environment's {@code variable}, else {@code defaults}, as words. */
    public static List<String> jvmOptions(String variable, String defaults) {
        String options = System.getenv().getOrDefault(variable, defaults).trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /**
     * The installation's names on the broker: the prefix in {@code WGMESH_TOPIC_PREFIX}, which the services started
     * from here read as well (they inherit this environment).
     *
     * @throws IllegalArgumentException naming the variable and quoting its value, for a prefix Kafka would refuse
     */
    public static TopicNames topicNames() {
        return new TopicNames(System.getenv().getOrDefault(TopicNames.VARIABLE, ""));
    }

    /** Small heaps and a quick start: up to nine JVMs share two cores in CI. */
    public static List<String> jvmOptions() {
        return List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");
    }

    /**
     * Starts a command with stdout and stderr appended to {@code log}, in a session of its own (setsid, where there
     * is one): a Ctrl-C in the terminal then reaches only this JVM, which stops its children in order, instead of
     * every child at once.
     */
    static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> inSession = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // setsid execs the command in place (a child is no process group leader), so the pid is the JVM's
            inSession.add(SETSID.toString());
        }
        inSession.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(inSession)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        RUNNING.add(process);
        return process;
    }

    /** SIGKILL (and the same for anything it started); waits until it is gone. */
    static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        awaitExit(process, 30);
    }

    /** SIGTERM, then SIGKILL when it has not ended within {@code seconds}; returns the exit code. */
    static int terminate(Process process, int seconds) {
        process.destroy();
        if (!awaitExit(process, seconds)) {
            kill(process);
        }
        RUNNING.remove(process);
        return process.isAlive() ? -1 : process.exitValue();
    }

    private static boolean awaitExit(Process process, int seconds) {
        try {
            boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
            if (ended) {
                RUNNING.remove(process);
            }
            return ended;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Peak resident memory (VmHWM) of a running process, in bytes; Linux only. */
    public static long peakRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmHWM in /proc/" + pid + "/status");
    }

    /** CPU time (user and system) a running process has used so far, in seconds; Linux only. */
    public static double cpuSeconds(long pid) {
        return cpuTicks(pid, 11) / (double) CLOCK_TICKS;
    }

    /**
     * CPU time (user and system) of the processes a running process started, with theirs, in seconds: those it
     * waited for, and those still running (a command target's status sessions); Linux only. A process that ends
     * in between moves from the second sum to the first.
     */
    public static double childrenCpuSeconds(long pid) {
        long ticks = cpuTicks(pid, 13);
        for (ProcessHandle running : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of())) {
            try {
                ticks += cpuTicks(running.pid(), 11) + cpuTicks(running.pid(), 13);
            } catch (UncheckedIOException e) {
                // it ended since the list was made: its time is its parent's now, or soon
            }
        }
        return ticks / (double) CLOCK_TICKS;
    }

    /** The sum of a field of /proc/PID/stat and the next (utime and stime, or cutime and cstime). */
    private static long cpuTicks(long pid, int field) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14,
            // stime 15, cutime 16, cstime 17
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[field]) + Long.parseLong(fields[field + 1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A folder deleted by the shutdown hook if the test does not get to delete it (it may hold private keys). */
    public static void deleteAtExit(Path folder) {
        FOLDERS.add(folder);
    }

    static void killAll() {
        for (Process process : new ArrayList<>(RUNNING)) {
            kill(process);
        }
        for (Path folder : FOLDERS) {
            try {
                deleteTree(folder);
            } catch (IOException e) {
                // already gone, or being deleted by the test
            }
        }
    }

    /** The last {@code lines} lines of a log file (none when it does not exist yet). */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.exists(log)
                    ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList() : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder with everything in it. */
    public static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
