package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.group.GroupName;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The latest HostGroupChanged of every group, deleted ones included (their record keeps the revision
 * sequence). Filled from the compacted topic at start and after every confirmed send.
 */
public final class GroupStore {

    private final ConcurrentMap<GroupName, HostGroupChanged> latest = new ConcurrentHashMap<>();

    /** Keeps the newer of the known and the given record. */
    public void remember(HostGroupChanged change) {
        latest.merge(change.group(), change, (known, given) -> given.revision() >= known.revision() ? given : known);
    }

    /** A tombstone on the topic: the group and its revision sequence are gone. */
    public void forget(GroupName group) {
        latest.remove(group);
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
