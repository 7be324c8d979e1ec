package dev.wgmesh.e2e.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One wgmesh service as its own JVM, from the module's exec jar (as ./wgmesh up runs it), logging to a file. */
public final class ServiceProcess implements MeasuredProcess {

    private final String name;
    private final String module;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, String module, Process process, Path log) {
        this.name = name;
        this.module = module;
        this.process = process;
        this.log = log;
    }

    /**
     * @param name   the replica's name, also its log file's
     * @param module config-service, keygen-service, renderer-service or deployer-service
     * @param args   settings as {@code key=value}; passed as {@code --key=value}, which win over the property files
     */
    static ServiceProcess start(String name, String module, Map<String, String> args, Path logDir) {
        return start(name, module, args, logDir, Processes.jvmOptions());
    }

    static ServiceProcess start(String name, String module, Map<String, String> args, Path logDir,
                                List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Processes.java());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(execJar(module).toString());
        args.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log = logDir.resolve(name + ".log");
        try {
            return new ServiceProcess(name, module, Processes.start(command, Map.of(), log), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <module>/target/<module>-<version>-exec.jar}, built by the reactor's package phase before these tests. */
    static Path execJar(String module) {
        Path target = Path.of(System.getProperty("user.dir")).resolveSibling(module).resolve("target");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalStateException("no " + module + "-*-exec.jar in " + target
                + ": build the services first (./mvnw -o -q package -DskipTests -pl " + module + ")");
    }

    public String name() {
        return name;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for Spring Boot's "Started ...Application" line; fails with the log's tail if the process ends. */
    ServiceProcess awaitStarted(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (logText().contains("Started ")) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(40));
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " did not start within " + timeout + ":\n" + tail(40));
    }

    /** SIGKILL: no shutdown hook, no offset commit, no consumer-group leave. */
    void kill() {
        Processes.kill(process);
    }

    /** SIGTERM and a clean shutdown; returns the exit code (143 is the JVM's usual answer to SIGTERM). */
    int terminate() {
        return Processes.terminate(process, 60);
    }

    String logText() {
        try {
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + module + ", pid " + process.pid() + ")";
    }
}
