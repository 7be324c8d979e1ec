package dev.wgmesh.deployer.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command once per host with the host's files in a private temp folder (env
 * {@code WGMESH_CONFIG_DIR}), for real hosts (ssh) or test hosts. The folder is deleted afterwards.
 * Its standard output is discarded, since a script may print a config; of its standard error only the
 * last 64 KB are kept (the rest is read and dropped), and their last lines become the reason of a failure.
 */
public final class CommandTarget implements Target {

    static final int REASON_LINES = 10;
    static final int REASON_CHARS = 2000;
    /** How long the error output may stay open after the command ended, held by a process it started. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);

    private final List<String> command;
    private final Duration timeout;

    /** @param command the program and its arguments, such as {@code /opt/wgmesh/apply-host.sh --ssh} */
    public CommandTarget(List<String> command, Duration timeout) {
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("the command target needs a command (wgmesh.command)");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    @Override
    public String apply(HostRef host, DesiredFiles files) throws IOException, DeployFailure {
        run(host, files, false);
        return "ran " + command.get(0) + " with " + files.files().keySet();
    }

    @Override
    public String remove(HostRef host) throws IOException, DeployFailure {
        run(host, DesiredFiles.none(), true);
        return "ran " + command.get(0) + " with WGMESH_REMOVE=1";
    }

    private void run(HostRef host, DesiredFiles files, boolean remove) throws IOException, DeployFailure {
        Path configDir = Files.createTempDirectory("wgmesh-" + host.group() + "-" + host.host() + "-", PrivateFiles.DIR_0700);
        try {
            for (Map.Entry<String, byte[]> file : files.files().entrySet()) {
                PrivateFiles.writeNew(configDir.resolve(file.getKey()), file.getValue());
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = builder.environment();
            env.put("WGMESH_GROUP", host.group().value());
            env.put("WGMESH_HOST", host.host().value());
            env.put("WGMESH_OS", host.os() == null ? "" : host.os().json());
            env.put("WGMESH_REVISION", Long.toString(host.revision()));
            env.put("WGMESH_CONFIG_DIR", configDir.toString());
            if (remove) {
                env.put("WGMESH_REMOVE", "1");
            } else {
                env.remove("WGMESH_REMOVE");
            }
            Process process = builder.start();
            OutputTail errors = new OutputTail(process.getErrorStream(), "wgmesh-stderr-" + host.group() + "-" + host.host());
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // the command first, so a shell does not report its killed children; then what it started
                List<ProcessHandle> children = process.descendants().toList();
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(5, TimeUnit.SECONDS);
                throw new DeployFailure(command.get(0) + " timed out after " + timeout.toMillis() + " ms"
                        + lastLines(errors.text(OUTPUT_GRACE)));
            }
            if (process.exitValue() != 0) {
                throw new DeployFailure(command.get(0) + " exited with " + process.exitValue()
                        + lastLines(errors.text(OUTPUT_GRACE)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployFailure(command.get(0) + " was interrupted");
        } finally {
            PrivateFiles.deleteRecursively(configDir);
        }
    }

    private static String lastLines(String errors) {
        List<String> lines = errors.lines().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty()) {
            return "";
        }
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - REASON_LINES), lines.size()));
        return ": " + (tail.length() > REASON_CHARS ? "..." + tail.substring(tail.length() - REASON_CHARS) : tail);
    }
}
