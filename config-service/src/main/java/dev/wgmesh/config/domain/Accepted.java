package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.HostGroupChanged;

/** A published change; {@code created} when the group did not exist before (or was deleted). */
public record Accepted(HostGroupChanged change, boolean created) {
}
