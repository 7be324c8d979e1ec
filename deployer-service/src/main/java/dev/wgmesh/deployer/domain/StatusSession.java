package dev.wgmesh.deployer.domain;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A host's {@code status} command kept running ({@value #FOLLOW_ENV}{@code =1}): it prints {@value #READY}
 * once, then answers each line {@code brief <unix seconds>} on its input with a brief status. A settled host's
 * look is then a line each way instead of a process, and over ssh a connection, each time. Its error output
 * is not read: a session that fails is closed, and the full look that follows tells why.
 */
final class StatusSession implements AutoCloseable {

    static final String FOLLOW_ENV = "WGMESH_STATUS_FOLLOW";
    static final String READY = "wgmesh-follow\t1";
    /** A brief status is a line per interface; an answer longer than this is not one. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** How long a closed session may take to end by itself (its input ended) before it is killed. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    /** Kills a session that does not answer in time; one thread for all. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "wgmesh-status-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    static {
        // a watch is cancelled at nearly every answer: gone at once, not kept until its time would have come
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

    /** The command answered, but not as a session: it prints a status and ends, as before sessions. */
    static final class NotFollowing extends Exception {
        NotFollowing(String message) {
            super(message);
        }
    }

    private final Process process;
    private final InputStream output;
    private final OutputStream input;
    private final String os;

    private StatusSession(Process process, String os) {
        this.process = process;
        this.output = new BufferedInputStream(process.getInputStream());
        this.input = process.getOutputStream();
        this.os = os;
    }

    /**
     * Starts {@code builder} (the status command with {@value #FOLLOW_ENV} set) and waits for its first line.
     *
     * @param os the host's operating system as the command got it, so a host that changed it gets a new session
     */
    static StatusSession start(ProcessBuilder builder, String os, Duration timeout)
            throws IOException, DeployFailure, NotFollowing {
        StatusSession session = new StatusSession(builder.redirectError(ProcessBuilder.Redirect.DISCARD).start(), os);
        try {
            byte[] ready = (READY + "\n").getBytes(StandardCharsets.US_ASCII);
            byte[] first = session.within(timeout, () -> session.output.readNBytes(ready.length));
            if (first.length == 0) {
                throw new DeployFailure("its status session ended before it answered");
            }
            if (!Arrays.equals(first, ready)) {
                throw new NotFollowing("its first line was not \"" + READY.replace('\t', ' ') + "\"");
            }
            return session;
        } catch (IOException | DeployFailure | NotFollowing | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    boolean fits(String os) {
        return this.os.equals(os) && process.isAlive();
    }

    /** The host's brief status for handshakes since {@code since}: its lines up to and with {@code end}. */
    String brief(Instant since, Duration timeout) throws IOException, DeployFailure {
        input.write(("brief " + since.getEpochSecond() + "\n").getBytes(StandardCharsets.US_ASCII));
        input.flush();
        return within(timeout, () -> {
            StringBuilder answer = new StringBuilder();
            String line;
            do {
                line = line(MAX_ANSWER_BYTES - answer.length());
                answer.append(line).append('\n');
            } while (!line.equals("end"));
            return answer.toString();
        });
    }

    /** Ends the command: its input ends, which ends a session; one that does not end is killed. */
    @Override
    public void close() {
        try {
            input.close();
        } catch (IOException e) {
            // it ended already
        }
        if (process.isAlive()) {
            WATCHDOG.schedule(this::kill, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private interface Read<T> {
        T get() throws IOException, DeployFailure;
    }

    /** Runs {@code read}, killing the command when it takes longer than {@code timeout} (the read then fails). */
    private <T> T within(Duration timeout, Read<T> read) throws IOException, DeployFailure {
        AtomicBoolean killed = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            killed.set(true);
            kill();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return read.get();
        } catch (IOException | DeployFailure e) {
            if (killed.get()) {
                throw new DeployFailure("its status session did not answer within " + timeout.toMillis() + " ms");
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    /** One line without its newline, of at most {@code limit} bytes. */
    private String line(int limit) throws IOException, DeployFailure {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = output.read()) != '\n') {
            if (b < 0) {
                throw new DeployFailure("its status session ended");
            }
            if (line.size() >= limit) {
                throw new DeployFailure("its status session answered more than " + MAX_ANSWER_BYTES + " bytes");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** The command and what it started (ssh, say), so that nothing keeps its output open. */
    private void kill() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
