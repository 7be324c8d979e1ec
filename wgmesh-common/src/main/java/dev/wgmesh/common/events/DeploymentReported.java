package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A deployer's outcome for one host at one revision; FAILED carries the reason. {@code cause} says why a
 * deployer applied a host on its own, without a new record (null: a rendered record came).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentReported(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                 HostName host, Outcome outcome, String reason, String contentHash, String replica,
                                 long durationMillis, Cause cause) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.deployment-reported.v1";

    public enum Outcome { APPLIED, REMOVED, FAILED }

    /** Why a host was applied again with no new record. */
    public enum Cause {
        /** Observation found it drifted or missing, and its group repairs drift. */
        DRIFT_REPAIR("drift-repair"),
        /** Its last apply failed; tried again after a pause. */
        RETRY("retry"),
        /** An operator asked for it (POST .../hosts/{h}/reapply). */
        REAPPLY("reapply"),
        /** The deployer had no record of applying it (a new disk or --out). */
        RESTORE("restore");

        private final String json;

        Cause(String json) {
            this.json = json;
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Cause parse(String text) {
            for (Cause cause : values()) {
                if (cause.json.equals(text)) {
                    return cause;
                }
            }
            throw new InvalidValueException(InvalidValueException.quote(text)
                    + " is not a deployment cause: drift-repair, retry, reapply or restore");
        }

        @JsonValue
        public String json() {
            return json;
        }
    }

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

    /** A report for a rendered record (no cause). */
    public DeploymentReported(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                              HostName host, Outcome outcome, String reason, String contentHash, String replica,
                              long durationMillis) {
        this(eventId, group, revision, occurredAt, correlationId, host, outcome, reason, contentHash, replica,
                durationMillis, null);
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
