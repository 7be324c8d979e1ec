package dev.wgmesh.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final TestClock clock = new TestClock();
    private final RestartPolicy policy = new RestartPolicy(clock);

    /** Dies after running {@code ran}, and is started again after the delay the policy gives. */
    private Optional<Duration> dieAfter(Duration ran) {
        clock.advance(ran);
        Optional<Duration> delay = policy.died();
        delay.ifPresent(d -> {
            clock.advance(d);
            policy.started();
        });
        return delay;
    }

    @Test
    void theDelayDoublesFromOneSecondWhileDeathsFollowShortRuns() {
        assertThat(dieAfter(Duration.ofSeconds(30))).contains(Duration.ofSeconds(1));
        assertThat(dieAfter(Duration.ofSeconds(40))).contains(Duration.ofSeconds(2));
        assertThat(dieAfter(Duration.ofSeconds(50))).contains(Duration.ofSeconds(4));
        assertThat(dieAfter(Duration.ofSeconds(50))).contains(Duration.ofSeconds(8));
        assertThat(dieAfter(Duration.ofSeconds(50))).contains(Duration.ofSeconds(16));
    }

    @Test
    void theDelayStopsAtThirtySeconds() {
        for (int death = 0; death < 5; death++) {
            dieAfter(Duration.ofSeconds(50));
        }
        assertThat(dieAfter(Duration.ofSeconds(50))).contains(Duration.ofSeconds(30));
        assertThat(dieAfter(Duration.ofSeconds(50))).contains(Duration.ofSeconds(30));
    }

    @Test
    void aRunOfAMinuteStartsTheBackOffOver() {
        dieAfter(Duration.ofSeconds(5));
        dieAfter(Duration.ofSeconds(5));
        assertThat(dieAfter(Duration.ofSeconds(5))).contains(Duration.ofSeconds(4));
        assertThat(dieAfter(Duration.ofMinutes(1))).contains(Duration.ofSeconds(1));
    }

    @Test
    void theFifthDeathWithinAMinuteIsARestartLoop() {
        for (int death = 1; death <= 4; death++) {
            assertThat(dieAfter(Duration.ofMillis(500))).as("death %d", death).isPresent();
        }
        assertThat(dieAfter(Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void fiveDeathsSpreadOverMoreThanAMinuteAreNoLoop() {
        // 1 + 2 + 4 + 8 s of back-off and 12 s runs: the fifth death comes 63 s after the first
        for (int death = 1; death <= 4; death++) {
            assertThat(dieAfter(Duration.ofSeconds(12))).isPresent();
        }
        assertThat(dieAfter(Duration.ofSeconds(12))).contains(Duration.ofSeconds(16));
    }
}
