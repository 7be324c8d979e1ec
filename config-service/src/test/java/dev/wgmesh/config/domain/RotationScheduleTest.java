package dev.wgmesh.config.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.KeyRotation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationScheduleTest {

    private static final Instant MADE = Instant.parse("2026-01-01T00:00:00Z");
    private static final KeyRotation POLICY = new KeyRotation(Duration.ofDays(180), Duration.ofDays(30));

    private final Owner service = new Owner();

    @Test
    void nothingIsDueBeforeTheMaxAgeAndTheOldestRotationComesFirst() {
        HostGroupKeysGenerated keys = keys(MADE, MADE.plus(Duration.ofDays(10)), MADE.plus(Duration.ofDays(100)));

        assertThat(RotationSchedule.due(POLICY, keys, MADE.plus(Duration.ofDays(29)))).isEmpty();
        // the seed (made with the first host) is due at day 30, the first host's pair at day 180
        assertThat(RotationSchedule.due(POLICY, keys, MADE.plus(Duration.ofDays(30))))
                .contains(new RotationSchedule.Due(null, MADE.plus(Duration.ofDays(30))));
        assertThat(RotationSchedule.due(POLICY, keys, MADE.plus(Duration.ofDays(200))))
                .contains(new RotationSchedule.Due(null, MADE.plus(Duration.ofDays(30))));
        assertThat(RotationSchedule.due(new KeyRotation(Duration.ofDays(180), null), keys, MADE.plus(Duration.ofDays(200))))
                .contains(new RotationSchedule.Due(HostName.parse("h1"), MADE.plus(Duration.ofDays(180))));
        assertThat(RotationSchedule.nextRotations(POLICY, keys)).containsEntry(HostName.parse("h2"),
                MADE.plus(Duration.ofDays(190)));
    }

    @Test
    void withoutAScheduleOrWithKeysOfUnknownAgeNothingIsEverDue() {
        HostGroupKeysGenerated keys = keys(MADE, MADE, MADE);
        HostGroupKeysGenerated unaged = new HostGroupKeysGenerated(keys.eventId(), keys.group(), keys.revision(),
                keys.occurredAt(), keys.correlationId(), keys.cause(), keys.spec(),
                keys.hosts().stream().map(h -> new HostKeys(h.host(), h.publicKey(), h.privateKey())).toList(),
                keys.presharedKeySeed());

        assertThat(RotationSchedule.due(null, keys, MADE.plus(Duration.ofDays(1000)))).isEmpty();
        assertThat(RotationSchedule.due(POLICY, unaged, MADE.plus(Duration.ofDays(1000)))).isEmpty();
        assertThat(RotationSchedule.nextRotations(POLICY, unaged)).isEmpty();
    }

    /** Keys of h1, h2 and h3 made at the given times; the seed with the first. */
    private HostGroupKeysGenerated keys(Instant... made) {
        HostGroupKeysGenerated keyed = Fixtures.keyed(service.upsert(GroupName.parse("lab"),
                Fixtures.body("h1", "h2", "h3"), null).change(), null);
        List<HostKeys> hosts = new ArrayList<>();
        for (int i = 0; i < keyed.hosts().size(); i++) {
            HostKeys host = keyed.hosts().get(i);
            hosts.add(new HostKeys(host.host(), host.publicKey(), host.privateKey(), made[i]));
        }
        return new HostGroupKeysGenerated(keyed.eventId(), keyed.group(), keyed.revision(), keyed.occurredAt(),
                keyed.correlationId(), keyed.cause(), keyed.spec(), hosts, keyed.presharedKeySeed(), made[0]);
    }
}
