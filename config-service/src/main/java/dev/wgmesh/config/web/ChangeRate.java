package dev.wgmesh.config.web;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.config.domain.Quotas;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * At most {@code wgmesh.max-changes-per-minute} changes per group in any minute, counted on this replica
 * at the API's edge. A change takes its place when it is asked for and gives it back when it is refused
 * or fails (it changed nothing), so bad requests use up nothing and parallel good ones cannot slip past
 * together. A group's times stay until they are a minute old, also after a delete: else deleting and
 * creating a group again would start its count afresh.
 */
@Component
final class ChangeRate {

    static final Duration WINDOW = Duration.ofMinutes(1);

    /** Thrown when the group had its changes for this minute; the API answers 429 with Retry-After. */
    static final class TooManyChanges extends RuntimeException {
        private final long retryAfterSeconds;
        private final Problem problem;

        TooManyChanges(GroupName group, int max, long retryAfterSeconds) {
            super("group " + group + " had " + max + " changes in the last minute", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
            this.problem = new Problem("group", InvalidValueException.quote(group.value()), "group "
                    + InvalidValueException.quote(group.value()) + " had " + max + " changes in the last minute, as many"
                    + " as wgmesh.max-changes-per-minute allows; retry in " + retryAfterSeconds + " s");
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        Problem problem() {
            return problem;
        }
    }

    private final int max;
    private final Clock clock;
    /** The times of each group's changes in the last minute, oldest first; a group with none is not here. */
    private final Map<GroupName, Deque<Instant>> recent = new HashMap<>();

    @Autowired
    ChangeRate(Quotas quotas) {
        this(quotas.maxChangesPerMinute(), Clock.systemUTC());
    }

    ChangeRate(int max, Clock clock) {
        this.max = max;
        this.clock = clock;
    }

    /** Takes a place in the group's minute, or throws when it has none left; returns it for {@link #release}. */
    synchronized Instant acquire(GroupName group) {
        Instant now = clock.instant();
        forgetOlderThan(now.minus(WINDOW));
        Deque<Instant> times = recent.computeIfAbsent(group, g -> new ArrayDeque<>());
        if (times.size() >= max) {
            long millis = Duration.between(now, times.peekFirst().plus(WINDOW)).toMillis();
            throw new TooManyChanges(group, max, Math.max(1, (millis + 999) / 1000));
        }
        times.addLast(now);
        return now;
    }

    /** Gives back a place that {@link #acquire} took, for a change that was not made. */
    synchronized void release(GroupName group, Instant taken) {
        Deque<Instant> times = recent.get(group);
        if (times != null && times.removeLastOccurrence(taken) && times.isEmpty()) {
            recent.remove(group);
        }
    }

    /** The groups with changes in the last minute. */
    synchronized int groups() {
        forgetOlderThan(clock.instant().minus(WINDOW));
        return recent.size();
    }

    private void forgetOlderThan(Instant limit) {
        recent.values().removeIf(times -> {
            while (!times.isEmpty() && !times.peekFirst().isAfter(limit)) {
                times.pollFirst();
            }
            return times.isEmpty();
        });
    }
}
