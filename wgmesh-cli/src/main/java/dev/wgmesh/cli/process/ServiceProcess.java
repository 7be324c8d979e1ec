package dev.wgmesh.cli.process;

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

/** One wgmesh service as its own JVM, from the module's exec jar (as {@code wgmesh up} runs it), logging to a file. */
public final class ServiceProcess implements ChildProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private volatile Process process;

    private ServiceProcess(String name, List<String> command, Map<String, String> environment, Path log) {
        this.name = name;
        this.command = command;
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    /**
     * Starts a service with the JVM options of the tests ({@link Processes#jvmOptions}).
     *
     * @param name the replica's name, also its log file's
     * @param jar  the service's exec jar ({@link #execJar})
     * @param args settings as {@code key=value}; passed as {@code --key=value}, which win over the property files
     */
    public static ServiceProcess start(String name, Path jar, Map<String, String> args, Path logDir) {
        return start(name, jar, args, logDir, Processes.jvmOptions());
    }

    public static ServiceProcess start(String name, Path jar, Map<String, String> args, Path logDir,
                                       List<String> jvmOptions) {
        return start(name, jar, args, Map.of(), logDir, jvmOptions);
    }

    /** @param environment variables added to this process's own environment */
    public static ServiceProcess start(String name, Path jar, Map<String, String> args, Map<String, String> environment,
                                       Path logDir, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Processes.java());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        args.forEach((key, value) -> command.add("--" + key + "=" + value));
        ServiceProcess service = new ServiceProcess(name, List.copyOf(command), environment,
                logDir.resolve(name + ".log"));
        service.start();
        return service;
    }

    /**
     * {@code <home>/<module>/target/<module>-<version>-exec.jar}, built by the reactor's package phase (or by
     * ./wgmesh) before it is run.
     */
    public static Path execJar(Path home, String module) {
        Path target = home.resolve(module).resolve("target");
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

    @Override
    public void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " already runs");
        }
        try {
            process = Processes.start(command, environment, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public int exitValue() {
        return process.exitValue();
    }

    /** Waits for Spring Boot's "Started ...Application" line; fails with the log's tail if the process ends. */
    public ServiceProcess awaitStarted(Duration timeout) {
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
    public void kill() {
        Processes.kill(process);
    }

    /** SIGTERM and a clean shutdown; returns the exit code (143 is the JVM's usual answer to SIGTERM). */
    @Override
    public int terminate() {
        return Processes.terminate(process, 60);
    }

    public String logText() {
        try {
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String tail(int lines) {
        return Processes.tail(log, lines);
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
