package dev.wgmesh.cli.up;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * When one supervised process that died starts again: after 1 s, doubling with each death that follows a short
 * run, up to 30 s; a run of a minute or more starts the back-off over. Five deaths within a minute are a restart
 * loop, which no waiting mends: the run ends. One per process, used by the supervisor's thread alone.
 */
final class RestartPolicy {

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    static final int LOOP_DEATHS = 5;
    static final Duration LOOP_WINDOW = Duration.ofMinutes(1);
    /** A process that ran this long before it died is restarted after the first delay again. */
    static final Duration STABLE_RUN = Duration.ofMinutes(1);

    private final Clock clock;
    private final Deque<Instant> deaths = new ArrayDeque<>();
    private Instant started;
    private Duration delay = Duration.ZERO;

    RestartPolicy(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    /** The process was started (again) now. */
    void started() {
        started = clock.instant();
    }

    /** The process died now: the time to wait before starting it again, or empty when it is in a restart loop. */
    Optional<Duration> died() {
        Instant now = clock.instant();
        deaths.addLast(now);
        while (!deaths.peekFirst().isAfter(now.minus(LOOP_WINDOW))) {
            deaths.removeFirst();
        }
        if (deaths.size() >= LOOP_DEATHS) {
            return Optional.empty();
        }
        boolean ranLong = Duration.between(started, now).compareTo(STABLE_RUN) >= 0;
        delay = ranLong || delay.isZero() ? FIRST_DELAY : min(delay.multipliedBy(2), MAX_DELAY);
        return Optional.of(delay);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
