package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An operator asked to apply one host's current configs again now ({@code POST
 * /api/v1/groups/{g}/hosts/{h}/reapply}): the deployer that owns the host applies its latest record, even
 * when nothing changed. It changes no revision ({@code revision} is the group's, when asked); replayed, it
 * applies the same configs once more.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostReapplyRequested(UUID eventId, GroupName group, long revision, Instant occurredAt,
                                   UUID correlationId, HostName host, Actor actor) implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.host-reapply-requested.v1";

    public HostReapplyRequested {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        Objects.requireNonNull(host, "host is required");
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
