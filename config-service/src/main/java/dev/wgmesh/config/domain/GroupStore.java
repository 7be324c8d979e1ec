package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.GroupName;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The latest HostGroupChanged of every group, deleted ones included (their record keeps the revision
 * sequence), and the latest RolloutProgressed of every group that rolled out in waves. Filled from the
 * compacted topics at start and after every confirmed send.
 */
public final class GroupStore {

    private final ConcurrentMap<GroupName, HostGroupChanged> latest = new ConcurrentHashMap<>();
    private final ConcurrentMap<GroupName, RolloutProgressed> rollouts = new ConcurrentHashMap<>();

    /** Keeps the newer of the known and the given record. */
    public void remember(HostGroupChanged change) {
        latest.merge(change.group(), change, (known, given) -> given.revision() >= known.revision() ? given : known);
    }

    /** A tombstone on the topic: the group and its revision sequence are gone. */
    public void forget(GroupName group) {
        latest.remove(group);
    }

    /** Keeps the given record unless one of a later revision is known: the topic holds a group's in order. */
    public void remember(RolloutProgressed rollout) {
        rollouts.merge(rollout.group(), rollout, (known, given) -> given.revision() >= known.revision() ? given : known);
    }

    /** The group's rollout of its latest revision, while it runs or is paused. */
    public Optional<RolloutProgressed> activeRollout(GroupName group) {
        return rollout(group).filter(rollout -> rollout.state().active());
    }

    /** The group's rollout of its latest revision, or of the revision a rollback undid, in whatever state. */
    public Optional<RolloutProgressed> rollout(GroupName group) {
        HostGroupChanged change = latest.get(group);
        RolloutProgressed rollout = rollouts.get(group);
        if (change == null || change.deleted() || rollout == null) {
            return Optional.empty();
        }
        boolean undone = rollout.state() == RolloutProgressed.State.ROLLED_BACK && change.cause() == ChangeCause.ROLLBACK
                && change.revision() == rollout.revision() + 1;
        return rollout.revision() == change.revision() || undone ? Optional.of(rollout) : Optional.empty();
    }

    /** Every group whose latest revision is rolling out in waves now. */
    public List<RolloutProgressed> runningRollouts() {
        return rollouts.keySet().stream().map(this::activeRollout).flatMap(Optional::stream)
                .filter(rollout -> rollout.state() == RolloutProgressed.State.RUNNING).toList();
    }

    public Optional<HostGroupChanged> latest(GroupName group) {
        return Optional.ofNullable(latest.get(group));
    }

    /** The group's latest change unless that was a delete. */
    public Optional<HostGroupChanged> current(GroupName group) {
        return latest(group).filter(change -> !change.deleted());
    }

    /** Every group that exists now, by name. */
    public List<HostGroupChanged> currentGroups() {
        return latest.values().stream()
                .filter(change -> !change.deleted())
                .sorted(Comparator.comparing(change -> change.group().value()))
                .toList();
    }
}
