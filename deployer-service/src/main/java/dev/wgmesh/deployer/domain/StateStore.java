package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Per host {@code <state-dir>/<group>/<host>.applied} (JSON, written atomically), so restarts and other
 * replicas on the same disk know what was applied; and a lock per host, so that during a rebalance two
 * replicas never apply one host at the same time.
 */
public final class StateStore {

    private static final Logger log = LoggerFactory.getLogger(StateStore.class);

    /** File locks belong to the whole JVM, so replicas that share a JVM (tests) also need a lock in it. */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path stateDir;

    public StateStore(Path stateDir) {
        this.stateDir = stateDir;
    }

    public Optional<AppliedState> read(GroupName group, HostName host) throws IOException {
        Path file = file(group, host, ".applied");
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
        Path file = file(group, host, ".applied");
        PrivateFiles.createDirectory(file.getParent());
        PrivateFiles.replaceAtomically(file, EventJson.write(state));
    }

    /** Holds the host's lock until closed; waits while another thread or process holds it. */
    public HostLock lock(GroupName group, HostName host) throws IOException {
        Path file = file(group, host, ".lock").toAbsolutePath().normalize();
        PrivateFiles.createDirectory(file.getParent());
        ReentrantLock inJvm = JVM_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        inJvm.lock();
        try {
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PrivateFiles.FILE_0600);
            try {
                return new HostLock(inJvm, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            inJvm.unlock();
            throw e;
        }
    }

    private Path file(GroupName group, HostName host, String suffix) {
        return stateDir.resolve(group.value()).resolve(host.value() + suffix);
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
