package dev.wgmesh.e2e.process;

import java.io.IOException;
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
 * Starts child JVMs and remembers them, so that every one is ended however the test ends: by its
 * owner's close, or by a shutdown hook when the test JVM itself stops (Ctrl-C, a crash of the run),
 * which also deletes the folders registered with {@link #deleteAtExit}.
 */
final class Processes {

    private static final List<Process> RUNNING = new CopyOnWriteArrayList<>();
    private static final List<Path> FOLDERS = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "wgmesh-process-cleanup"));
    }

    private Processes() {
    }

    /** The JVM running these tests, so the children run the same Java. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Small heaps and a quick start: up to nine JVMs share two cores in CI. */
    static List<String> jvmOptions() {
        return List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");
    }

    /** Starts a command with stdout and stderr appended to {@code log}. */
    static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
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

    /** A folder deleted by the shutdown hook if the test does not get to delete it (it may hold private keys). */
    static void deleteAtExit(Path folder) {
        FOLDERS.add(folder);
    }

    static void killAll() {
        for (Process process : new ArrayList<>(RUNNING)) {
            kill(process);
        }
        for (Path folder : FOLDERS) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                // already gone, or being deleted by the test
            }
        }
    }
}
