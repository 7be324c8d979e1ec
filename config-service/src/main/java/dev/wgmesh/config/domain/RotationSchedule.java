package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.config.domain.GroupCommand.Action;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.KeyRotation;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * When a group's keys are due under its {@link KeyRotation}: each host's key pair when it is older than
 * {@code hostKeyMaxAge}, the preshared keys when the seed is older than {@code presharedKeyMaxAge}. A key of
 * unknown age is not due (keygen ages it from the group's next change).
 */
public final class RotationSchedule {

    /** A rotation that is due: one host's key pair, or the preshared keys when {@code host} is null. */
    public record Due(HostName host, Instant at) {
    }

    private RotationSchedule() {
    }

    /** Each host's next scheduled rotation of its key pair; hosts without one are left out. */
    public static Map<HostName, Instant> nextRotations(KeyRotation policy, HostGroupKeysGenerated keys) {
        Map<HostName, Instant> next = new HashMap<>();
        hostsDue(policy, keys).forEach(due -> next.put(due.host(), due.at()));
        return next;
    }

    /** When the schedule rotates the preshared keys, or null when it does not. */
    public static Instant nextPresharedKeyRotation(KeyRotation policy, HostGroupKeysGenerated keys) {
        return policy == null || policy.presharedKeyMaxAge() == null || keys.presharedKeySeedCreatedAt() == null ? null
                : keys.presharedKeySeedCreatedAt().plus(policy.presharedKeyMaxAge());
    }

    /**
     * The rotation to ask for now, as the schedule's command: only for a group that declares a schedule, has
     * converged and was keyed at its current revision. So one rotation is rolled out before the next (a group
     * loses at most one host's tunnels at once), and the command expects the current revision, so two replicas
     * that both see a key due make one rotation, the other is refused as stale.
     */
    public static Optional<GroupCommand> command(HostGroupChanged group, boolean converged, HostGroupKeysGenerated keys,
                                                 Instant now) {
        KeyRotation policy = group.deleted() ? null : group.spec().keyRotation();
        if (policy == null || !converged || keys == null || keys.revision() != group.revision()) {
            return Optional.empty();
        }
        Precondition current = new Precondition("expectedRevision", Long.toString(group.revision()), group.revision());
        return due(policy, keys, now).map(due -> GroupCommand.of(group.group(),
                due.host() == null ? Action.ROTATE_PRESHARED_KEYS : Action.ROTATE_HOST, null, due.host(), current,
                Actor.SCHEDULE));
    }

    /** The rotation to do at {@code now}: the one due longest, or empty when none is due yet. */
    public static Optional<Due> due(KeyRotation policy, HostGroupKeysGenerated keys, Instant now) {
        Instant seedDue = nextPresharedKeyRotation(policy, keys);
        Stream<Due> seed = seedDue == null ? Stream.empty() : Stream.of(new Due(null, seedDue));
        return Stream.concat(hostsDue(policy, keys), seed)
                .filter(due -> !due.at().isAfter(now))
                .min(Comparator.comparing(Due::at));
    }

    private static Stream<Due> hostsDue(KeyRotation policy, HostGroupKeysGenerated keys) {
        if (policy == null || policy.hostKeyMaxAge() == null) {
            return Stream.empty();
        }
        return keys.hosts().stream().filter(host -> host.createdAt() != null)
                .map(host -> new Due(host.host(), host.createdAt().plus(policy.hostKeyMaxAge())));
    }
}
