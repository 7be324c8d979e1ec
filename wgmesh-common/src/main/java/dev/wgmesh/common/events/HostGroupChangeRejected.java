package dev.wgmesh.common.events;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * config-service turned down a change request from the commands topic: every problem, as the API
 * would list them. {@code revision} is the group's current one (0 when it does not exist);
 * {@code correlationId} is the request's {@code requestId} when it gave one.
 */
public record HostGroupChangeRejected(UUID eventId, GroupName group, long revision, Instant occurredAt,
                                      UUID correlationId, int status, List<Problem> problems) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.host-group-change-rejected.v1";

    public HostGroupChangeRejected {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        problems = List.copyOf(Objects.requireNonNull(problems, "problems is required"));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a rejection lists at least one problem");
        }
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
