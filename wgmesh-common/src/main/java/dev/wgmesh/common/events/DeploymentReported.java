package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** A deployer's outcome for one host at one revision; FAILED carries the reason. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentReported(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                 HostName host, Outcome outcome, String reason, String contentHash, String replica,
                                 long durationMillis) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.deployment-reported.v1";

    public enum Outcome { APPLIED, REMOVED, FAILED }

    /** A deployer's name as the page and status show it, such as its default {@code <hostname>-<pid>}. */
    private static final Pattern REPLICA = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

    public DeploymentReported {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        Objects.requireNonNull(host, "host is required");
        Objects.requireNonNull(outcome, "outcome is required");
        checkReplica(replica);
        if (outcome == Outcome.FAILED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a FAILED report needs a reason");
        }
    }

    /** Refuses a replica name that is not 1..100 of A-Z, a-z, 0-9, '.', '_', ':', '@' and '-'; a deployer checks its own at start. */
    public static String checkReplica(String replica) {
        Objects.requireNonNull(replica, "replica is required");
        if (!REPLICA.matcher(replica).matches()) {
            throw new IllegalArgumentException("replica " + InvalidValueException.quote(replica)
                    + " is not a replica name: 1..100 characters of A-Z, a-z, 0-9, '.', '_', ':', '@' and '-'");
        }
        return replica;
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
