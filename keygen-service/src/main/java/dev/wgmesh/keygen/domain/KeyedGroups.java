package dev.wgmesh.keygen.domain;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.GroupName;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * keygen's memory: the last keys it published per group, loaded from its compacted topic for the groups it
 * is assigned.
 * A deleted group keeps its (keyless) record, so its revision still screens out replays.
 */
public final class KeyedGroups {

    private final Map<GroupName, HostGroupKeysGenerated> groups = new ConcurrentHashMap<>();

    public Optional<HostGroupKeysGenerated> get(GroupName group) {
        return Optional.ofNullable(groups.get(group));
    }

    /** Remembers keys unless newer ones are already known. */
    public void remember(HostGroupKeysGenerated keys) {
        groups.merge(keys.group(), keys, (old, neu) -> neu.revision() >= old.revision() ? neu : old);
    }

    public void forget(Predicate<GroupName> which) {
        groups.keySet().removeIf(which);
    }

    public int size() {
        return groups.size();
    }
}
