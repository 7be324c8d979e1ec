package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.crypto.SealedSecret;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostGroupSpec;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * keygen-service keyed a group: its spec, every host's public key and sealed private key, and the
 * sealed seed the pairs' preshared keys derive from (absent when the group wants none), with the time keygen
 * made the seed ({@code presharedKeySeedCreatedAt}; absent in records written before wgmesh kept key ages).
 * A change rolled out in waves also carries the keys of the revision before ({@code previous}, itself without
 * one): hosts not yet released keep running them, and a rollback returns to them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostGroupKeysGenerated(UUID eventId, GroupName group, long revision, Instant occurredAt,
                                     UUID correlationId, ChangeCause cause, HostGroupSpec spec, List<HostKeys> hosts,
                                     SealedSecret presharedKeySeed, Instant presharedKeySeedCreatedAt,
                                     HostGroupKeysGenerated previous)
        implements WgmeshEvent {

    public static final String TYPE = "dev.wgmesh.host-group-keys-generated.v1";

    public HostGroupKeysGenerated {
        WgmeshEvent.checkCommonFields(eventId, group, revision, occurredAt, correlationId);
        Objects.requireNonNull(cause, "cause is required");
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        if ((cause == ChangeCause.DELETE) != (spec == null)) {
            throw new IllegalArgumentException("a delete carries no spec, every other change carries one");
        }
        if (spec != null) {
            if (hosts.size() != spec.hosts().size()
                    || !new HashSet<>(hosts.stream().map(HostKeys::host).toList())
                    .equals(new HashSet<>(spec.hosts().stream().map(h -> h.name()).toList()))) {
                throw new IllegalArgumentException("keys must be given for exactly the group's hosts");
            }
            if (spec.presharedKeys() != (presharedKeySeed != null)) {
                throw new IllegalArgumentException("a preshared-key seed is given when the group wants preshared keys, and only then");
            }
        }
        if (presharedKeySeed == null && presharedKeySeedCreatedAt != null) {
            throw new IllegalArgumentException("presharedKeySeedCreatedAt is given with a preshared-key seed only");
        }
        if (previous != null && (previous.previous() != null || !previous.group().equals(group)
                || previous.revision() >= revision || previous.spec() == null)) {
            throw new IllegalArgumentException("previous must be keys of an earlier revision of the same group, "
                    + "with a spec and without previous keys of their own");
        }
    }

    /** Keys that need no earlier ones. */
    public HostGroupKeysGenerated(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                  ChangeCause cause, HostGroupSpec spec, List<HostKeys> hosts, SealedSecret presharedKeySeed,
                                  Instant presharedKeySeedCreatedAt) {
        this(eventId, group, revision, occurredAt, correlationId, cause, spec, hosts, presharedKeySeed,
                presharedKeySeedCreatedAt, null);
    }

    /** The same keys without the previous revision's. */
    public HostGroupKeysGenerated withoutPrevious() {
        return previous == null ? this : new HostGroupKeysGenerated(eventId, group, revision, occurredAt, correlationId,
                cause, spec, hosts, presharedKeySeed, presharedKeySeedCreatedAt, null);
    }

    /** Keys whose seed is of unknown age. */
    public HostGroupKeysGenerated(UUID eventId, GroupName group, long revision, Instant occurredAt, UUID correlationId,
                                  ChangeCause cause, HostGroupSpec spec, List<HostKeys> hosts, SealedSecret presharedKeySeed) {
        this(eventId, group, revision, occurredAt, correlationId, cause, spec, hosts, presharedKeySeed, null);
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
