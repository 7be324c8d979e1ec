package dev.wgmesh.deployer.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.group.HostOs;

/** What a host last got from this disk's deployers: the revision, the content hash, and whether it was removed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppliedState(long revision, String contentHash, HostOs os, boolean removed) {

    static AppliedState applied(long revision, String contentHash, HostOs os) {
        return new AppliedState(revision, contentHash, os, false);
    }

    static AppliedState removed(long revision, HostOs os) {
        return new AppliedState(revision, null, os, true);
    }
}
