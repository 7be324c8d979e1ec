package dev.wgmesh.config.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.config.domain.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeRateTest {

    private static final GroupName LAB = GroupName.parse("lab");
    private static final GroupName OTHER = GroupName.parse("other");

    private final TestClock clock = new TestClock(Instant.parse("2026-12-05T09:00:00Z"));
    private final ChangeRate rate = new ChangeRate(3, clock);

    @Test
    void aGroupGetsItsChangesPerMinuteThenWaitsForTheOldestToAge() {
        rate.acquire(LAB);
        clock.pass(Duration.ofSeconds(20));
        rate.acquire(LAB);
        rate.acquire(LAB);
        rate.acquire(OTHER);
        clock.pass(Duration.ofMillis(100));

        assertThatThrownBy(() -> rate.acquire(LAB)).asInstanceOf(type(ChangeRate.TooManyChanges.class))
                .satisfies(e -> {
                    // the first change ages out of the minute 39.9 s from now
                    assertThat(e.retryAfterSeconds()).isEqualTo(40);
                    assertThat(e.problem().field()).isEqualTo("group");
                    assertThat(e.problem().value()).isEqualTo("\"lab\"");
                    assertThat(e.problem().message()).contains("3 changes", "wgmesh.max-changes-per-minute", "40 s");
                });
        clock.pass(Duration.ofSeconds(40));
        rate.acquire(LAB);
        assertThatThrownBy(() -> rate.acquire(LAB)).isInstanceOf(ChangeRate.TooManyChanges.class);
    }

    @Test
    void aReleasedPlaceIsFreeAgain() {
        rate.acquire(LAB);
        Instant refused = rate.acquire(LAB);
        rate.acquire(LAB);
        rate.release(LAB, refused);

        rate.acquire(LAB);
        assertThatThrownBy(() -> rate.acquire(LAB)).isInstanceOf(ChangeRate.TooManyChanges.class);
    }

    @Test
    void aGroupIsForgottenOnceItsChangesAreAMinuteOld() {
        rate.acquire(LAB);
        rate.acquire(OTHER);
        Instant released = rate.acquire(GroupName.parse("third"));
        rate.release(GroupName.parse("third"), released);
        assertThat(rate.groups()).isEqualTo(2);

        clock.pass(ChangeRate.WINDOW);

        assertThat(rate.groups()).isZero();
    }
}
