package dev.wgmesh.deployer.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The first bytes of a command's output, read on a thread of the executor; the rest is read and dropped, so
 * the command never blocks on a full pipe and a host that prints without end costs no memory.
 */
final class OutputHead {

    private OutputHead() {
    }

    /** Completes with at most {@code limit} bytes once the output ended. */
    static CompletableFuture<byte[]> read(InputStream output, int limit, Executor readers) {
        return CompletableFuture.supplyAsync(() -> {
            try (output) {
                byte[] bytes = output.readNBytes(limit);
                output.transferTo(OutputStream.nullOutputStream());
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, readers);
    }
}
