package dev.wgmesh.deployer.domain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The last {@link #LIMIT} bytes of a command's output, read to its end on a thread of the executor: the pipe
 * is always drained, so the command never blocks on it, and no more than the tail is ever held.
 */
final class OutputTail {

    static final int LIMIT = 64 * 1024;

    private final byte[] ring = new byte[LIMIT];
    private final CompletableFuture<Void> drained;
    private long total;

    OutputTail(InputStream output, Executor readers) {
        drained = CompletableFuture.runAsync(() -> drain(output), readers);
    }

    private void drain(InputStream output) {
        byte[] chunk = new byte[8192];
        try (output) {
            for (int read; (read = output.read(chunk)) >= 0; ) {
                append(chunk, read);
            }
        } catch (IOException e) {
            // the output ended early; what was read is the tail
        }
    }

    private synchronized void append(byte[] chunk, int length) {
        int at = (int) (total % LIMIT);
        for (int done = 0; done < length; ) {
            int part = Math.min(length - done, LIMIT - at);
            System.arraycopy(chunk, done, ring, at, part);
            at = (at + part) % LIMIT;
            done += part;
        }
        total += length;
    }

    /**
     * The tail as text, once the output ended or {@code grace} passed: a process the command left running
     * may hold the output open, and is then neither waited for nor cut off (it keeps being drained).
     */
    String text(Duration grace) throws InterruptedException {
        try {
            drained.get(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // still open, or the reader failed: what was read is the tail
        }
        synchronized (this) {
            int size = (int) Math.min(total, LIMIT);
            int start = (int) ((total - size) % LIMIT);
            byte[] tail = new byte[size];
            int first = Math.min(size, LIMIT - start);
            System.arraycopy(ring, start, tail, 0, first);
            System.arraycopy(ring, 0, tail, first, size - first);
            String text = new String(tail, StandardCharsets.UTF_8);
            // a tail that was cut starts inside a line
            return total > LIMIT ? text.substring(text.indexOf('\n') + 1) : text;
        }
    }

    /** How many bytes the output had so far. */
    synchronized long total() {
        return total;
    }
}
