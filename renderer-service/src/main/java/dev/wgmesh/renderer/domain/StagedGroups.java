package dev.wgmesh.renderer.domain;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.GroupName;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The renderer's memory of rollouts in waves: the latest keys of each group whose latest change is staged
 * (they carry the previous revision's), and each group's latest rollout. A rollout's next wave renders the keys
 * again, so they are kept here; read back from the compacted topics when partitions are assigned.
 */
public final class StagedGroups {

    private final Map<GroupName, HostGroupKeysGenerated> keys = new ConcurrentHashMap<>();
    private final Map<GroupName, RolloutProgressed> rollouts = new ConcurrentHashMap<>();

    /** A group's latest keys: kept while they are staged, forgotten when a change goes at once. */
    public void keyed(HostGroupKeysGenerated keyed) {
        if (keyed.previous() != null) {
            keys.put(keyed.group(), keyed);
        } else {
            keys.remove(keyed.group());
        }
    }

    /** Keeps the rollout unless one of a later revision is known. */
    public void rollout(RolloutProgressed rollout) {
        rollouts.merge(rollout.group(), rollout, (known, given) -> given.revision() >= known.revision() ? given : known);
    }

    public Optional<HostGroupKeysGenerated> keys(GroupName group) {
        return Optional.ofNullable(keys.get(group));
    }

    public Optional<RolloutProgressed> rollout(GroupName group) {
        return Optional.ofNullable(rollouts.get(group));
    }

    public void forget(Predicate<GroupName> which) {
        keys.keySet().removeIf(which);
        rollouts.keySet().removeIf(which);
    }
}
