package dev.wgmesh.deployer.domain;

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
 * once, then answers each line {@code brief <unix seconds>} on its input with a brief status and each line
 * {@code full} with a full one. A settled host's look is then a line written and its answer read instead of a
 * process, and over ssh a connection, each time. Its error output is not read: a session that fails is
 * closed, and a look of its own (a run of the command) tells why.
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
    /**
     * What was read of the output and not yet taken: {@code buffer[position..filled)}. A brief answer is a few
     * lines; a longer one is read in blocks of this size. Every settled host keeps its session, so this is per host.
     */
    private final byte[] buffer = new byte[8 * 1024];
    private int position;
    private int filled;
    /** How many bytes the last line had. */
    private int lineBytes;

    private StatusSession(Process process, String os) {
        this.process = process;
        this.output = process.getInputStream();
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
        return ask("brief " + since.getEpochSecond(), MAX_ANSWER_BYTES, timeout);
    }

    /** The host's full status, at most {@code limit} bytes: its lines up to and with {@code end}. */
    String full(int limit, Duration timeout) throws IOException, DeployFailure {
        return ask("full", limit, timeout);
    }

    private String ask(String request, int limit, Duration timeout) throws IOException, DeployFailure {
        input.write((request + "\n").getBytes(StandardCharsets.US_ASCII));
        input.flush();
        return within(timeout, () -> {
            StringBuilder answer = new StringBuilder();
            lineBytes = 0;
            int left = limit;
            String line;
            do {
                line = line(left, limit);
                left -= lineBytes + 1;
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

    /**
     * One line without its newline, of at most {@code left} bytes (what is left of an answer's {@code limit});
     * read in blocks, as a full status is half a megabyte.
     */
    private String line(int left, int limit) throws IOException, DeployFailure {
        ByteArrayOutputStream longer = null;
        while (true) {
            for (int i = position; i < filled; i++) {
                if (buffer[i] == '\n') {
                    lineBytes = i - position + (longer == null ? 0 : longer.size());
                    if (lineBytes > left) {
                        throw new DeployFailure("its status session answered more than " + limit + " bytes");
                    }
                    String line;
                    if (longer == null) {
                        line = new String(buffer, position, i - position, StandardCharsets.UTF_8);
                    } else {
                        longer.write(buffer, position, i - position);
                        line = longer.toString(StandardCharsets.UTF_8);
                    }
                    position = i + 1;
                    return line;
                }
            }
            if (longer == null) {
                longer = new ByteArrayOutputStream();
            }
            longer.write(buffer, position, filled - position);
            if (longer.size() > left) {
                throw new DeployFailure("its status session answered more than " + limit + " bytes");
            }
            position = 0;
            filled = Math.max(0, output.read(buffer));
            if (filled == 0) {
                throw new DeployFailure("its status session ended");
            }
        }
    }

    /** The command and what it started (ssh, say), so that nothing keeps its output open. */
    private void kill() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
