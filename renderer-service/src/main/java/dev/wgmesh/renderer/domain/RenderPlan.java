package dev.wgmesh.renderer.domain;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.render.MeshPeers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What one keyed group means for the topics of rendered configs: a record for every host whose files
 * changed or that is new, a tombstone for every host that left (or every host, when the group is
 * deleted). Unchanged hosts get nothing, so their deployers do no work, except on a rollback's revision.
 *
 * <p>A mesh group also gets its peer table when the table changed ({@code peerTable}), and then every
 * host's record again, since each names the table it takes its peers from: a deployer that reads a
 * record naming an older table than the current one knows a newer record of that host follows.
 *
 * <p>A change rolled out in waves ({@link #staged}) publishes the new files of released hosts only, each
 * listing its peers itself: the group's peer table stays the previous revision's, which the hosts not yet
 * released name, until the rollout is done.
 *
 * @param skipped         true when the keyed group is not newer than the last one rendered (a replay)
 * @param peerTable       the mesh group's new peer table, or null when it did not change
 * @param removePeerTable true when the group had a peer table and no longer has one
 */
public record RenderPlan(HostGroupKeysGenerated keyed, boolean skipped, List<HostConfigRendered> publish,
                         List<HostName> remove, MeshPeersRendered peerTable, boolean removePeerTable) {

    public RenderPlan {
        publish = List.copyOf(publish);
        remove = List.copyOf(remove);
    }

    public GroupName group() {
        return keyed.group();
    }

    /**
     * @param previousHashes    the content hash last published for each host of the group
     * @param previousPeersHash the hash of the group's last published peer table, or null when none
     * @param lastRevision      the group's last rendered revision, or -1 when none
     */
    /**
     * The records a rollout in waves of {@code keyed} (keys that carry the previous revision's) needs now:
     * nothing until its rollout is known, the released hosts whose files changed while it runs or is paused,
     * and everything else as {@link #of} would once it is done. After a rollback nothing: the rollback's own
     * revision brings the hosts back.
     *
     * @param rollout the group's latest rollout, or null when none is known
     */
    public static RenderPlan staged(HostGroupKeysGenerated keyed, RolloutProgressed rollout,
                                    Map<HostName, String> previousHashes, String previousPeersHash, Instant now,
                                    Supplier<UUID> eventIds) {
        if (rollout == null || rollout.revision() != keyed.revision()
                || rollout.state() == RolloutProgressed.State.ROLLED_BACK) {
            return new RenderPlan(keyed, false, List.of(), List.of(), null, false);
        }
        if (rollout.state() == RolloutProgressed.State.DONE) {
            return of(keyed, previousHashes, previousPeersHash, -1, now, eventIds);
        }
        List<HostConfigRendered> publish = new ArrayList<>();
        // the hosts not released keep their records: rendering them would be work for nothing on every wave
        for (HostFiles files : GroupRenderer.render(keyed, rollout::released).values()) {
            if (!files.contentHash().equals(previousHashes.get(files.host()))) {
                publish.add(files.asEvent(eventIds.get(), keyed, now, null));
            }
        }
        return new RenderPlan(keyed, false, publish, List.of(), null, false);
    }

    public static RenderPlan of(HostGroupKeysGenerated keyed, Map<HostName, String> previousHashes,
                                String previousPeersHash, long lastRevision, Instant now, Supplier<UUID> eventIds) {
        if (keyed.revision() <= lastRevision) {
            return new RenderPlan(keyed, true, List.of(), List.of(), null, false);
        }
        if (keyed.cause() == ChangeCause.DELETE) {
            return new RenderPlan(keyed, false, List.of(), previousHashes.keySet().stream().sorted().toList(), null,
                    previousPeersHash != null);
        }
        GroupRenderer.Rendering rendering = GroupRenderer.renderWithPeerTable(keyed);
        Map<HostName, HostFiles> rendered = rendering.hosts();
        Optional<MeshPeers> mesh = rendering.meshPeers();
        String peersHash = mesh.map(MeshPeers::hash).orElse(null);
        boolean newTable = !Objects.equals(peersHash, previousPeersHash);
        // a rollback goes to every host: one released in the rolled-back rollout may still be applying it, and
        // the status tells that the host left it behind only by a report of the rollback's revision (StatusBoard)
        boolean everyHost = keyed.cause() == ChangeCause.ROLLBACK;
        List<HostConfigRendered> publish = new ArrayList<>();
        for (HostFiles files : rendered.values()) {
            if (everyHost || newTable || !files.contentHash().equals(previousHashes.get(files.host()))) {
                publish.add(files.asEvent(eventIds.get(), keyed, now, peersHash));
            }
        }
        List<HostName> remove = previousHashes.keySet().stream().filter(h -> !rendered.containsKey(h)).sorted().toList();
        MeshPeersRendered table = mesh.isPresent() && newTable ? mesh.get().asEvent(eventIds.get(), keyed, now) : null;
        return new RenderPlan(keyed, false, publish, remove, table, mesh.isEmpty() && previousPeersHash != null);
    }
}
