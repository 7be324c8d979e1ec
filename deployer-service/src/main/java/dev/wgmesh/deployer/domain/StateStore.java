package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Per host {@code <state-dir>/<group>/<host>.applied} (JSON, written atomically), so restarts and other
 * replicas on the same disk know what was applied; and a lock per host, so that during a rebalance two
 * replicas never apply one host at the same time.
 *
 * <p>The locks are the byte-less files {@code <state-dir>/.locks/<n>.lock}, one of {@link #LOCK_STRIPES} by
 * the host's key: a fixed set that holds nothing of any group. A lock file per host could never be
 * deleted (a process waiting on the deleted file would hold a lock nobody else sees), so every host that
 * ever came would leave one. Two hosts in one stripe only wait for each other.
 */
public final class StateStore {

    private static final Logger log = LoggerFactory.getLogger(StateStore.class);

    static final int LOCK_STRIPES = 256;
    static final String LOCK_DIR = ".locks";

    /** File locks belong to the whole JVM, so replicas that share a JVM (tests) also need a lock in it, one per stripe. */
    private static final ReentrantLock[] JVM_LOCKS = new ReentrantLock[LOCK_STRIPES];

    static {
        for (int stripe = 0; stripe < LOCK_STRIPES; stripe++) {
            JVM_LOCKS[stripe] = new ReentrantLock();
        }
    }

    private final Path stateDir;

    public StateStore(Path stateDir) {
        this.stateDir = stateDir;
    }

    public Optional<AppliedState> read(GroupName group, HostName host) throws IOException {
        Path file = stateFile(group, host);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventJson.mapper().readValue(Files.readAllBytes(file), AppliedState.class));
        } catch (JacksonException e) {
            // a damaged state file must not block the host forever: apply as if nothing was applied
            log.warn("{}/{}: ignoring unreadable state file {}: {}", group, host, file, e.getOriginalMessage());
            return Optional.empty();
        }
    }

    /**
     * Not synced to disk: the host's files are, before this is written. A state lost in a crash costs
     * one more apply of the same content (which changes nothing), and a torn one is ignored as unreadable,
     * so the fsyncs of a thousand-host rollout are halved for nothing lost. The caller holds the host's lock.
     */
    public void write(GroupName group, HostName host, AppliedState state) throws IOException {
        Path file = stateFile(group, host);
        PrivateFiles.createDirectory(file.getParent());
        PrivateFiles.replaceAtomically(file, EventJson.write(state));
    }

    /** Holds the host's lock until closed; waits while another thread or process holds it. */
    public HostLock lock(GroupName group, HostName host) throws IOException {
        // String.hashCode is fixed by the language, so every process finds a host in the same stripe
        int stripe = Math.floorMod(HostConfigRendered.key(group, host).hashCode(), LOCK_STRIPES);
        Path file = stateDir.resolve(LOCK_DIR).resolve(stripe + ".lock");
        PrivateFiles.createDirectory(file.getParent());
        ReentrantLock inJvm = JVM_LOCKS[stripe];
        inJvm.lock();
        try {
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PrivateFiles.FILE_0600);
            try {
                return new HostLock(inJvm, channel, awaitFileLock(channel));
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            inJvm.unlock();
            throw e;
        }
    }

    /**
     * Polls instead of blocking: file locks belong to processes, so the kernel takes two replicas whose
     * threads wait for each other's stripes for a deadlock ("Resource deadlock avoided") although each
     * thread holds one lock only.
     */
    private static FileLock awaitFileLock(FileChannel channel) throws IOException {
        for (long pause = 1; ; pause = Math.min(pause * 2, 50)) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a host lock");
            }
        }
    }

    private Path stateFile(GroupName group, HostName host) {
        return stateDir.resolve(group.value()).resolve(host.value() + ".applied");
    }

    /** A held host lock. */
    public static final class HostLock implements AutoCloseable {
        private final ReentrantLock inJvm;
        private final FileChannel channel;
        private final FileLock fileLock;

        private HostLock(ReentrantLock inJvm, FileChannel channel, FileLock fileLock) {
            this.inJvm = inJvm;
            this.channel = channel;
            this.fileLock = fileLock;
        }

        @Override
        public void close() throws IOException {
            try {
                fileLock.release();
                channel.close();
            } finally {
                inJvm.unlock();
            }
        }
    }
}
