package dev.wgmesh.renderer.domain;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What one keyed group means for the topic of rendered configs: a record for every host whose files
 * changed or that is new, a tombstone for every host that left (or every host, when the group is
 * deleted). Unchanged hosts get nothing, so their deployers do no work.
 *
 * @param skipped true when the keyed group is not newer than the last one rendered (a replay)
 */
public record RenderPlan(HostGroupKeysGenerated keyed, boolean skipped, List<HostConfigRendered> publish,
                         List<HostName> remove) {

    public RenderPlan {
        publish = List.copyOf(publish);
        remove = List.copyOf(remove);
    }

    public GroupName group() {
        return keyed.group();
    }

    /**
     * @param previousHashes the content hash last published for each host of the group
     * @param lastRevision   the group's last rendered revision, or -1 when none
     */
    public static RenderPlan of(HostGroupKeysGenerated keyed, Map<HostName, String> previousHashes, long lastRevision,
                                Instant now, Supplier<UUID> eventIds) {
        if (keyed.revision() <= lastRevision) {
            return new RenderPlan(keyed, true, List.of(), List.of());
        }
        if (keyed.cause() == ChangeCause.DELETE) {
            return new RenderPlan(keyed, false, List.of(), previousHashes.keySet().stream().sorted().toList());
        }
        Map<HostName, HostFiles> rendered = GroupRenderer.render(keyed);
        List<HostConfigRendered> publish = new ArrayList<>();
        for (HostFiles files : rendered.values()) {
            if (!files.contentHash().equals(previousHashes.get(files.host()))) {
                publish.add(new HostConfigRendered(eventIds.get(), keyed.group(), keyed.revision(), now,
                        keyed.correlationId(), files.host(), files.os(), files.interfaces(), files.privateKey(),
                        files.presharedKeySeed(), files.contentHash()));
            }
        }
        List<HostName> remove = previousHashes.keySet().stream().filter(h -> !rendered.containsKey(h)).sorted().toList();
        return new RenderPlan(keyed, false, publish, remove);
    }
}
