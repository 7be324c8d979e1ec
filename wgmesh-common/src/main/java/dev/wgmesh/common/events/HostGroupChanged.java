package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * config-service accepted a change: the whole desired group at its new revision, and who asked for it
 * ({@code actor}; absent in records written before wgmesh kept it). A deleted group keeps its record (with
 * no spec) so its revision sequence goes on if the name is used again. {@code revoked} names the hosts taken
 * out of the group by a revoke, which stay out until a change declares them again. {@code staged} is true when
 * the change rolls out in waves (config-service decided so: the group runs and its {@code rollout} strategy is
 * waves): keygen then keeps the previous revision's keys beside the new ones, and the renderer publishes a
 * host's new configs only once wgmesh.rollout-progressed releases it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostGroupChanged(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                               ChangeCause cause, HostName rotatedHost, HostGroupSpec spec, Actor actor,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HostName> revoked,
                               // absent when false, and from records written before it existed
                               @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean staged)
        implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.host-group-changed.v1";

    public HostGroupChanged {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        Objects.requireNonNull(cause, "cause is required");
        if ((cause == ChangeCause.DELETE) != (spec == null)) {
            throw new IllegalArgumentException("a delete carries no spec, every other change carries one");
        }
        if (cause == ChangeCause.ROTATE_HOST ? rotatedHost == null
                : rotatedHost != null && cause != ChangeCause.SCHEDULED_ROTATION) {
            throw new IllegalArgumentException("rotatedHost is given with cause rotate-host (and there required) or "
                    + "scheduled-rotation, and only then");
        }
        if (rotatedHost != null && spec.host(rotatedHost).isEmpty()) {
            throw new IllegalArgumentException("rotated host " + rotatedHost + " is not in the group");
        }
        revoked = revoked == null ? List.of() : List.copyOf(revoked);
        if (spec != null && revoked.stream().anyMatch(host -> spec.host(host).isPresent())) {
            throw new IllegalArgumentException("a revoked host is not in the group");
        }
        if (cause == ChangeCause.REVOKE && revoked.isEmpty()) {
            throw new IllegalArgumentException("a revoke names the revoked host in revoked");
        }
        if (staged && !spec.rollsOutInWaves()) {
            throw new IllegalArgumentException("a staged change is of a group whose rollout strategy is waves");
        }
    }

    /** A change that reaches every host at once. */
    public HostGroupChanged(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                            ChangeCause cause, HostName rotatedHost, HostGroupSpec spec, Actor actor,
                            List<HostName> revoked) {
        this(eventId, group, revision, occurredAt, correlationId, cause, rotatedHost, spec, actor, revoked, false);
    }

    /** A change that revokes no host. */
    public HostGroupChanged(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                            ChangeCause cause, HostName rotatedHost, HostGroupSpec spec, Actor actor) {
        this(eventId, group, revision, occurredAt, correlationId, cause, rotatedHost, spec, actor, List.of());
    }

    /** The same change, asked for by {@code by}. */
    public HostGroupChanged withActor(Actor by) {
        return new HostGroupChanged(eventId, group, revision, occurredAt, correlationId, cause, rotatedHost, spec, by,
                revoked, staged);
    }

    /** The same rotation, made by the group's key rotation schedule. */
    public HostGroupChanged scheduled() {
        if (cause != ChangeCause.ROTATE_HOST && cause != ChangeCause.ROTATE_PRESHARED_KEYS) {
            throw new IllegalStateException("only a rotation of one host's keys or of the preshared keys is scheduled, not "
                    + cause.json());
        }
        return new HostGroupChanged(eventId, group, revision, occurredAt, correlationId, ChangeCause.SCHEDULED_ROTATION,
                rotatedHost, spec, actor, revoked, staged);
    }

    /** The same change, rolled out in waves. */
    public HostGroupChanged inWaves() {
        return new HostGroupChanged(eventId, group, revision, occurredAt, correlationId, cause, rotatedHost, spec, actor,
                revoked, true);
    }

    public boolean deleted() {
        return cause == ChangeCause.DELETE;
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
