package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.UntrustedRecordException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest peer table of every mesh group, as this replica read them from wgmesh.mesh-peers-rendered.
 * A mesh host's record names the table it takes its peers from; records and tables come through
 * different consumers, so a record may arrive a moment before its table: {@link #await} waits for it.
 */
public final class PeerTables {

    /** A group's latest table, or the revision that removed it (table null). */
    private record Latest(long revision, MeshPeersRendered table) {
    }

    private final Map<GroupName, Latest> latest = new HashMap<>();
    private final Duration timeout;

    /** @param timeout how long a record waits for its table before it fails, to be retried */
    public PeerTables(Duration timeout) {
        this.timeout = timeout;
    }

    /** @throws UntrustedRecordException when the table's revision does not move the group's forward */
    public synchronized void put(MeshPeersRendered table) {
        moveForward(table.group(), table.revision());
        latest.put(table.group(), new Latest(table.revision(), table));
        notifyAll();
    }

    /** The table's tombstone: the group was deleted or is no longer a mesh. */
    public synchronized void remove(GroupName group, long revision) {
        moveForward(group, revision);
        latest.put(group, new Latest(revision, null));
        notifyAll();
    }

    /** The renderer publishes one table per group and revision, in order: anything else is a replay. */
    private void moveForward(GroupName group, long revision) {
        Latest current = latest.get(group);
        if (current != null && revision <= current.revision()) {
            throw new UntrustedRecordException("peer table of group " + group + " at revision " + revision
                    + " does not move forward: revision " + current.revision() + " is held");
        }
    }

    /**
     * The table the record names. Empty when a later revision replaced or removed that table: the
     * renderer then sent every host of the group a newer record (or a tombstone), so this one is stale.
     *
     * @throws PeerTableMissingException when the table has not arrived within the timeout
     */
    public synchronized Optional<MeshPeersRendered> await(HostConfigRendered rendered) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Latest current = latest.get(rendered.group());
            if (current != null && current.table() != null
                    && current.table().peersHash().equals(rendered.meshPeersHash())) {
                return Optional.of(current.table());
            }
            if (current != null && current.revision() > rendered.revision()) {
                return Optional.empty();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new PeerTableMissingException("the peer table " + rendered.meshPeersHash() + " of group "
                        + rendered.group() + " (revision " + rendered.revision() + " or before) has not arrived in "
                        + timeout.toSeconds() + " s");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerTableMissingException("interrupted while waiting for the peer table of group "
                        + rendered.group());
            }
        }
    }
}
