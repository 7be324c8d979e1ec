package dev.wgmesh.config.domain;

import java.time.Instant;
import java.util.List;

/** How far the group's latest revision has reached the hosts. */
public record GroupStatus(String name, long revision, boolean converged, List<HostStatus> hosts) {

    public enum State { PENDING, APPLIED, FAILED }

    /**
     * @param desiredRevision the revision at which the host's desired files last changed (null: not keyed yet)
     * @param appliedRevision the revision of the host's latest APPLIED report (null: none)
     * @param contentHash     the hash of the host's desired files
     * @param keyCreatedAt    when keygen made the host's key pair (null: not keyed yet, or of unknown age)
     * @param keyAgeSeconds   the key pair's age when the status was asked for
     */
    public record HostStatus(String host, Long desiredRevision, Long appliedRevision, State state, String reason,
                             String replica, String contentHash, Instant keyCreatedAt, Long keyAgeSeconds) {
    }
}
