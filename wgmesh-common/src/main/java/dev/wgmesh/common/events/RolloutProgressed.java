package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * config-service moved a rollout in waves of the group's {@code revision} on: its hosts in {@code waves}
 * (the first is the canary), the hosts of waves 1 to {@code wave} released to the new revision, since
 * {@code waveStartedAt} for the latest. The renderer publishes the new configs of released hosts only; the
 * others keep the configs of {@code previousRevision}, whose spec ({@code previousSpec}) a rollback returns
 * to. {@code evidence} says what the latest gate saw (tunnels that carried traffic, or did not), {@code reason}
 * why a rollout stopped. Compacted by group: the latest record is the rollout's state.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutProgressed(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                State state, List<List<HostName>> waves, int wave, Instant waveStartedAt,
                                int gateSeconds, long previousRevision, HostGroupSpec previousSpec, String reason,
                                List<String> evidence) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.rollout-progressed.v1";

    /** At most this many lines of evidence travel: a wave of a large group has many tunnels. */
    public static final int MAX_EVIDENCE = 50;

    public enum State {
        /** The hosts of waves 1 to {@code wave} have the new revision; the latest wave's gate is being checked. */
        RUNNING,
        /** A gate failed and the group's {@code onFailure} is {@code pause}: an operator resumes or rolls back. */
        PAUSED,
        /** Every wave passed: every host has the new revision. */
        DONE,
        /** The hosts went back to the previous revision's configs and keys, by a new revision. */
        ROLLED_BACK;

        public boolean active() {
            return this == RUNNING || this == PAUSED;
        }
    }

    public RolloutProgressed {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        Objects.requireNonNull(state, "state is required");
        Objects.requireNonNull(waveStartedAt, "waveStartedAt is required");
        Objects.requireNonNull(previousSpec, "previousSpec is required");
        waves = Objects.requireNonNull(waves, "waves is required").stream().map(List::copyOf).toList();
        if (waves.isEmpty() || waves.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("waves must list at least one wave, each of at least one host");
        }
        Set<HostName> seen = new HashSet<>();
        if (!waves.stream().flatMap(List::stream).allMatch(seen::add)) {
            throw new IllegalArgumentException("waves names a host twice");
        }
        if (wave < 1 || wave > waves.size()) {
            throw new IllegalArgumentException("wave " + wave + " must be from 1 to " + waves.size());
        }
        if (previousRevision < 0 || previousRevision >= revision) {
            throw new IllegalArgumentException("previousRevision " + previousRevision + " must be before revision "
                    + revision);
        }
        reason = reason == null ? null : SafeText.redact(reason);
        evidence = evidence == null ? List.of() : evidence.stream().limit(MAX_EVIDENCE).map(SafeText::redact).toList();
    }

    /** Whether the host has the new revision's configs now (after a rollback: none has). */
    public boolean released(HostName host) {
        return switch (state) {
            case DONE -> true;
            case ROLLED_BACK -> false;
            case RUNNING, PAUSED -> waves.subList(0, wave).stream().anyMatch(hosts -> hosts.contains(host));
        };
    }

    /** The hosts of the wave whose gate is checked now. */
    public List<HostName> currentWave() {
        return waves.get(wave - 1);
    }

    /** The next wave released, or DONE when this was the last. */
    public RolloutProgressed advanced(UUID id, Instant now, List<String> gateEvidence) {
        return wave == waves.size()
                ? next(id, now, State.DONE, wave, waveStartedAt, null, gateEvidence)
                : next(id, now, State.RUNNING, wave + 1, now, null, gateEvidence);
    }

    public RolloutProgressed paused(UUID id, Instant now, String why, List<String> gateEvidence) {
        return next(id, now, State.PAUSED, wave, waveStartedAt, why, gateEvidence);
    }

    /** Going on after a pause: the next wave, its gate counted from now. */
    public RolloutProgressed resumed(UUID id, Instant now) {
        return wave == waves.size()
                ? next(id, now, State.DONE, wave, waveStartedAt, null, evidence)
                : next(id, now, State.RUNNING, wave + 1, now, null, List.of());
    }

    public RolloutProgressed rolledBack(UUID id, Instant now, String why, List<String> gateEvidence) {
        return next(id, now, State.ROLLED_BACK, wave, waveStartedAt, why, gateEvidence);
    }

    private RolloutProgressed next(UUID id, Instant now, State newState, int newWave, Instant startedAt, String why,
                                   List<String> gateEvidence) {
        return new RolloutProgressed(id, group, revision, now, correlationId, newState, waves, newWave, startedAt,
                gateSeconds, previousRevision, previousSpec, why, gateEvidence);
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
