package dev.wgmesh.deployer.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * The first bytes of a command's output, read on a thread of its own; the rest is read and dropped, so
 * the command never blocks on a full pipe and a host that prints without end costs no memory.
 */
final class OutputHead {

    private OutputHead() {
    }

    /** Completes with at most {@code limit} bytes once the output ended. */
    static CompletableFuture<byte[]> read(InputStream output, int limit, String name) {
        CompletableFuture<byte[]> head = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (output) {
                byte[] bytes = output.readNBytes(limit);
                output.transferTo(OutputStream.nullOutputStream());
                head.complete(bytes);
            } catch (IOException e) {
                head.completeExceptionally(e);
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
        return head;
    }
}
