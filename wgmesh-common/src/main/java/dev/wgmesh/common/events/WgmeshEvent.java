package dev.wgmesh.common.events;

import dev.wgmesh.common.group.GroupName;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The fields every wgmesh event carries. {@code correlationId} is the {@code eventId} of the
 * HostGroupChanged that started the chain, so one change can be followed through every service.
 */
public interface WgmeshEvent {

    UUID eventId();

    GroupName group();

    long revision();

    Instant occurredAt();

    UUID correlationId();

    /** The key of the event's record: its group; {@code group/host} for an event about one host. */
    default String recordKey() {
        return group().value();
    }

    /** The CloudEvents type, such as {@code dev.wgmesh.host-group-changed.v1}. */
    String eventType();

    static void checkCommonFields(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId) {
        Objects.requireNonNull(eventId, "eventId is required");
        Objects.requireNonNull(group, "group is required");
        Objects.requireNonNull(occurredAt, "occurredAt is required");
        Objects.requireNonNull(correlationId, "correlationId is required");
        if (revision < 0) {
            throw new IllegalArgumentException("revision " + revision + " must not be negative");
        }
    }
}
