package dev.wgmesh.e2e.process;

import dev.wgmesh.common.wireguard.WgConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Reads and parses every .conf under a folder, again and again, while deployers write there: a reader
 * must only ever see a whole old or a whole new file, never a partly written one.
 */
final class FileReader implements AutoCloseable {

    private final Path dir;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong reads = new AtomicLong();
    private final List<String> broken = new ArrayList<>();
    private final Thread thread;

    FileReader(Path dir) {
        this.dir = dir;
        this.thread = new Thread(this::run, "deployed-file-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running.get()) {
            List<Path> confs = List.of();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    confs = files.filter(f -> f.getFileName().toString().endsWith(".conf")).toList();
                } catch (IOException | RuntimeException e) {
                    // a folder vanished while walking (a host was removed); try again
                }
            }
            for (Path conf : confs) {
                try {
                    WgConfigParser.parse(Files.readString(conf));
                    reads.incrementAndGet();
                } catch (NoSuchFileException e) {
                    // replaced or removed since the listing
                } catch (IOException | RuntimeException e) {
                    synchronized (broken) {
                        broken.add(conf + ": " + e.getClass().getSimpleName()); // the message may quote a key
                    }
                }
            }
        }
    }

    long reads() {
        return reads.get();
    }

    List<String> broken() {
        synchronized (broken) {
            return List.copyOf(broken);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
