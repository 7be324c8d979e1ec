package dev.wgmesh.config.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.HostName;
import java.time.Instant;
import java.util.List;

/**
 * How far the group's latest revision has reached the hosts, and the ages of its keys.
 *
 * @param presharedKeysCreatedAt     when keygen made the group's preshared-key seed (null: none, or of unknown age)
 * @param nextPresharedKeyRotationAt when the schedule rotates the preshared keys (null: no such schedule)
 * @param rollout                    the rollout in waves of the latest revision, or of the one a rollback
 *                                   undid (null: none)
 */
public record GroupStatus(String name, long revision, boolean converged, Instant presharedKeysCreatedAt,
                          Instant nextPresharedKeyRotationAt, List<HostStatus> hosts,
                          @JsonInclude(JsonInclude.Include.NON_NULL) RolloutView rollout) {

    /**
     * A rollout in waves: its state, the wave whose gate is checked (1-based) of how many, the hosts of each
     * wave, when the wave's gate fails, why it stopped, and what the latest gate saw.
     */
    public record RolloutView(long revision, String state, int wave, int waves, List<List<String>> waveHosts,
                              Instant gateDeadline, String reason, List<String> evidence) {

        public static RolloutView of(RolloutProgressed rollout) {
            return new RolloutView(rollout.revision(), rollout.state().name(), rollout.wave(), rollout.waves().size(),
                    rollout.waves().stream().map(hosts -> hosts.stream().map(HostName::value).toList()).toList(),
                    rollout.state() == RolloutProgressed.State.RUNNING
                            ? rollout.waveStartedAt().plusSeconds(rollout.gateSeconds()) : null,
                    rollout.reason(), rollout.evidence());
        }
    }

    public enum State { PENDING, APPLIED, FAILED }

    /**
     * @param desiredRevision the revision at which the host's desired files last changed (null: not keyed yet)
     * @param appliedRevision the revision of the host's latest APPLIED report (null: none)
     * @param contentHash     the hash of the host's desired files
     * @param keyCreatedAt    when keygen made the host's key pair (null: not keyed yet, or of unknown age)
     * @param keyAgeSeconds   the key pair's age when the status was asked for
     * @param nextKeyRotationAt when the group's schedule rotates the key pair (null: no such schedule); a time
     *                        past means it is due and waits for the group to converge or its turn
     */
    public record HostStatus(String host, Long desiredRevision, Long appliedRevision, State state, String reason,
                             String replica, String contentHash, Instant keyCreatedAt, Long keyAgeSeconds,
                             Instant nextKeyRotationAt) {
    }
}
