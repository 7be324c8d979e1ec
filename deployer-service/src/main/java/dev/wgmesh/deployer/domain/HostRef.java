package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.HostOs;

/** The host a target works on; {@code os} is null when a removal comes for a host never applied here. */
public record HostRef(GroupName group, HostName host, HostOs os, long revision) {

    @Override
    public String toString() {
        return group + "/" + host;
    }
}
