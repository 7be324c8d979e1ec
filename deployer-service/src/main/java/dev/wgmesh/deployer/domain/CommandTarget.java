package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.InterfaceName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command once per host with the host's files in a private temp folder (env
 * {@code WGMESH_CONFIG_DIR}), for real hosts (ssh) or test hosts. The folder is deleted afterwards.
 * Its standard output is discarded, since a script may print a config (but read, up to a limit, when the
 * command runs with {@code status} to tell what the host has); of its standard error only the
 * last 64 KB are kept (the rest is read and dropped), and their last lines become the reason of a failure.
 * A settled host's looks go to a {@link StatusSession} kept open for it, when the command keeps one.
 */
public final class CommandTarget implements Target, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandTarget.class);

    static final int REASON_LINES = 10;
    static final int REASON_CHARS = 2000;
    /** A host of a 2,000-host mesh prints about half a megabyte. */
    static final int MAX_STATUS_BYTES = 1024 * 1024;
    /** Asks {@code wgmesh-apply status} to be brief: the Unix seconds a handshake must be newer than. */
    static final String BRIEF_ENV = "WGMESH_STATUS_BRIEF";
    /** How long the error output may stay open after the command ended, held by a process it started. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);
    /**
     * Read a command's output and error output. Threads kept for the next command: a deployer watching 1,000
     * hosts runs 33 commands a second, and starting two threads for each cost it as much as the rest of a look.
     */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(reader -> {
        Thread thread = new Thread(reader, "wgmesh-command-output");
        thread.setDaemon(true);
        return thread;
    });

    private final List<String> command;
    private final Duration timeout;
    /** The status sessions of settled hosts, by group/host key. */
    private final Map<String, StatusSession> sessions = new ConcurrentHashMap<>();
    /** Whether settled hosts get sessions: asked, and not refused by the command (then a process a look). */
    private volatile boolean sessionsWanted;

    /**
     * @param command        the program and its arguments, such as {@code /opt/wgmesh/apply-host.sh --ssh}
     * @param keepStatusOpen whether a settled host's looks go to a status session kept open for it
     */
    public CommandTarget(List<String> command, Duration timeout, boolean keepStatusOpen) {
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("the command target needs a command (wgmesh.command)");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.sessionsWanted = keepStatusOpen;
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

    /**
     * Asks the host's status session for a full status when it has one, else runs the command with
     * {@code status} as its first argument, and reads what it prints (at most {@link #MAX_STATUS_BYTES}); a
     * failure, a timeout or output that does not parse says why.
     */
    @Override
    public HostObservation observe(HostRef host, ExpectedHost expected) throws IOException, DeployFailure {
        String output = fullFromSession(host);
        if (output == null) {
            output = status(host, env -> { });
        }
        try {
            return StatusParser.parse(output);
        } catch (StatusParser.StatusFormatException e) {
            forget(host.group(), host.host()); // a session that said that is not asked again
            throw new DeployFailure(command.get(0) + " status: " + e.getMessage());
        }
    }

    /**
     * The full status from the host's session, when it has one (its report is due, or a brief look saw a
     * change); null when it has none, or when it failed (closed then: a run of the command looks and says why).
     */
    private String fullFromSession(HostRef host) {
        String key = HostConfigRendered.key(host.group(), host.host());
        StatusSession session = sessions.get(key);
        if (session == null || !session.fits(os(host))) {
            return null;
        }
        try {
            return session.full(MAX_STATUS_BYTES, timeout);
        } catch (IOException | DeployFailure | RuntimeException e) {
            log.debug("{}: its status session failed a full look: {}", key, e.toString());
            drop(key, session);
            return null;
        }
    }

    /**
     * Asks the host's status session, or runs the command with {@code status} and {@value #BRIEF_ENV} set to
     * {@code handshakesSince}: a host whose wgmesh-apply knows it prints a few lines instead of every peer's.
     * A command that prints a full status anyway gets false, so the host gets a full look.
     */
    @Override
    public boolean unchanged(HostRef host, Map<InterfaceName, String> digests, Instant handshakesSince)
            throws IOException, DeployFailure {
        String output = sessionsWanted ? briefFromSession(host, handshakesSince) : briefFromRun(host, handshakesSince);
        if (!output.startsWith(StatusParser.BRIEF_HEADER)) {
            return false;
        }
        try {
            return StatusParser.Brief.unchanged(StatusParser.parseBrief(output), digests);
        } catch (StatusParser.StatusFormatException e) {
            forget(host.group(), host.host()); // a session that said that is not asked again
            throw new DeployFailure(command.get(0) + " status: " + e.getMessage());
        }
    }

    /** The host's session answers; one that fails is closed (the host then gets a full look, which says why). */
    private String briefFromSession(HostRef host, Instant handshakesSince) throws IOException, DeployFailure {
        String key = HostConfigRendered.key(host.group(), host.host());
        String os = os(host);
        StatusSession session = sessions.get(key);
        if (session != null && !session.fits(os)) {
            forget(host.group(), host.host());
            session = null;
        }
        if (session == null) {
            try {
                session = StatusSession.start(builder(host, statusLine(), env -> env.put(StatusSession.FOLLOW_ENV, "1")),
                        os, timeout);
            } catch (StatusSession.NotFollowing e) {
                sessionsWanted = false;
                log.info("{} does not keep a status open ({}): a settled host's brief look is a process each",
                        command.get(0), e.getMessage());
                return briefFromRun(host, handshakesSince);
            }
            sessions.put(key, session);
        }
        try {
            return session.brief(handshakesSince, timeout);
        } catch (IOException | DeployFailure | RuntimeException e) {
            drop(key, session);
            throw e;
        }
    }

    /** Closes a session that failed, and forgets it unless another look has replaced it already. */
    private void drop(String key, StatusSession session) {
        sessions.remove(key, session);
        session.close();
    }

    private String briefFromRun(HostRef host, Instant handshakesSince) throws IOException, DeployFailure {
        return status(host, env -> env.put(BRIEF_ENV, Long.toString(handshakesSince.getEpochSecond())));
    }

    @Override
    public void forget(GroupName group, HostName host) {
        forget(HostConfigRendered.key(group, host));
    }

    /** Ends every status session (the deployer stops). */
    @Override
    public void close() {
        sessions.keySet().forEach(this::forget);
    }

    private void forget(String key) {
        StatusSession session = sessions.remove(key);
        if (session != null) {
            session.close();
        }
    }

    private List<String> statusLine() {
        List<String> status = new ArrayList<>(command);
        status.add(1, "status");
        return status;
    }

    private static String os(HostRef host) {
        return host.os() == null ? "" : host.os().json();
    }

    private String status(HostRef host, Consumer<Map<String, String>> moreEnv) throws IOException, DeployFailure {
        byte[] output = execute(host, statusLine(), moreEnv, true);
        if (output.length > MAX_STATUS_BYTES) {
            throw new DeployFailure(command.get(0) + " status printed more than " + MAX_STATUS_BYTES + " bytes");
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private void run(HostRef host, DesiredFiles files, boolean remove) throws IOException, DeployFailure {
        Path configDir = Files.createTempDirectory("wgmesh-" + host.group() + "-" + host.host() + "-", PrivateFiles.DIR_0700);
        try {
            for (Map.Entry<String, byte[]> file : files.files().entrySet()) {
                PrivateFiles.writeNew(configDir.resolve(file.getKey()), file.getValue());
            }
            execute(host, command, env -> {
                env.put("WGMESH_REVISION", Long.toString(host.revision()));
                env.put("WGMESH_CONFIG_DIR", configDir.toString());
                if (remove) {
                    env.put("WGMESH_REMOVE", "1");
                }
            }, false);
        } finally {
            PrivateFiles.deleteRecursively(configDir);
        }
    }

    /** Runs one command line for the host; returns its standard output when asked to keep it (else nothing). */
    private byte[] execute(HostRef host, List<String> commandLine, Consumer<Map<String, String>> moreEnv,
                           boolean keepOutput) throws IOException, DeployFailure {
        try {
            ProcessBuilder builder = builder(host, commandLine, moreEnv);
            if (!keepOutput) {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            Process process = builder.start();
            OutputTail errors = new OutputTail(process.getErrorStream(), READERS);
            CompletableFuture<byte[]> output = keepOutput
                    ? OutputHead.read(process.getInputStream(), MAX_STATUS_BYTES + 1, READERS)
                    : CompletableFuture.completedFuture(new byte[0]);
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
            try {
                return output.get(OUTPUT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new DeployFailure(command.get(0) + "'s output did not end with it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployFailure(command.get(0) + " was interrupted");
        }
    }

    /** The command line with the host's environment and {@code moreEnv}, none of another run's. */
    private static ProcessBuilder builder(HostRef host, List<String> commandLine, Consumer<Map<String, String>> moreEnv) {
        ProcessBuilder builder = new ProcessBuilder(commandLine);
        Map<String, String> env = builder.environment();
        env.keySet().removeAll(List.of("WGMESH_REVISION", "WGMESH_CONFIG_DIR", "WGMESH_REMOVE", BRIEF_ENV,
                StatusSession.FOLLOW_ENV));
        env.put("WGMESH_GROUP", host.group().value());
        env.put("WGMESH_HOST", host.host().value());
        env.put("WGMESH_OS", os(host));
        moreEnv.accept(env);
        return builder;
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
