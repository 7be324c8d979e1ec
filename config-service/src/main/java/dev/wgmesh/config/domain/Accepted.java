package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.RolloutProgressed;

/**
 * A decision to publish: a change ({@code created} when the group did not exist before, or was deleted), the
 * progress of a rollout in waves, or both. {@code change} is null when only the rollout moves on, {@code rollout}
 * when the change reaches every host at once.
 */
public record Accepted(HostGroupChanged change, boolean created, RolloutProgressed rollout) {

    public Accepted {
        if (change == null && rollout == null) {
            throw new IllegalArgumentException("a decision publishes a change, a rollout's progress, or both");
        }
    }

    /** A change that reaches every host at once. */
    public Accepted(HostGroupChanged change, boolean created) {
        this(change, created, null);
    }
}
