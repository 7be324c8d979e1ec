package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A deployer's outcome for one host at one revision; FAILED carries the reason. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentReported(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                 HostName host, Outcome outcome, String reason, String contentHash, String replica,
                                 long durationMillis) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.deployment-reported.v1";

    public enum Outcome { APPLIED, REMOVED, FAILED }

    public DeploymentReported {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        Objects.requireNonNull(host, "host is required");
        Objects.requireNonNull(outcome, "outcome is required");
        Objects.requireNonNull(replica, "replica is required");
        if (outcome == Outcome.FAILED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a FAILED report needs a reason");
        }
    }

    @Override
    public String recordKey() {
        return HostConfigRendered.key(group, host);
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
