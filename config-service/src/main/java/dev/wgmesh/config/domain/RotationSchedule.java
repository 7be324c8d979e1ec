package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
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

    /** The rotation to do at {@code now}: the one due longest, or empty when none is due yet. */
    public static Optional<Due> due(KeyRotation policy, HostGroupKeysGenerated keys, Instant now) {
        Stream<Due> seed = policy == null || policy.presharedKeyMaxAge() == null
                || keys.presharedKeySeedCreatedAt() == null ? Stream.empty()
                : Stream.of(new Due(null, keys.presharedKeySeedCreatedAt().plus(policy.presharedKeyMaxAge())));
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
