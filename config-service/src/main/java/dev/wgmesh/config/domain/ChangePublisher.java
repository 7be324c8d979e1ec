package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.HostGroupChanged;

/** Puts an accepted change on wgmesh.host-group-changed; returns only once the broker has it. */
public interface ChangePublisher {

    /** @throws PublishFailedException when the broker did not confirm the record */
    void publish(HostGroupChanged change);
}
