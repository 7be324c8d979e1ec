package dev.wgmesh.config.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostGroupChanged;
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
import tools.jackson.databind.node.ObjectNode;

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

    @Test
    void theScheduleAsksForOneRotationOfAConvergedGroupAtItsCurrentRevisionAndMarksItScheduled() {
        ObjectNode body = (ObjectNode) Fixtures.body("h1", "h2", "h3");
        body.set("keyRotation", Fixtures.json("{\"hostKeyMaxAge\": \"P180D\", \"presharedKeyMaxAge\": \"P30D\"}"));
        HostGroupChanged group = service.upsert(GroupName.parse("lab"), body, null).change();
        HostGroupKeysGenerated keys = keys(group, MADE, MADE.plus(Duration.ofDays(10)), MADE.plus(Duration.ofDays(100)));
        Instant day200 = MADE.plus(Duration.ofDays(200));

        assertThat(RotationSchedule.command(group, true, keys, MADE.plus(Duration.ofDays(29)))).isEmpty();
        // one rotation at a time: none while the last one rolls out, none before the keys of this revision came
        assertThat(RotationSchedule.command(group, false, keys, day200)).isEmpty();
        assertThat(RotationSchedule.command(group, true, null, day200)).isEmpty();

        GroupCommand seed = RotationSchedule.command(group, true, keys, day200).orElseThrow();
        assertThat(seed.action()).isEqualTo(GroupCommand.Action.ROTATE_PRESHARED_KEYS);
        assertThat(seed.actor()).isEqualTo(Actor.SCHEDULE);
        assertThat(seed.precondition().revision()).isEqualTo(group.revision());
        HostGroupChanged rotated = service.execute(seed).change();
        assertThat(rotated.cause()).isEqualTo(ChangeCause.SCHEDULED_ROTATION);
        assertThat(rotated.rotatedHost()).isNull();

        // the keys of the previous revision: nothing until keygen keyed the rotation
        assertThat(RotationSchedule.command(rotated, true, keys, day200)).isEmpty();
        HostGroupKeysGenerated rekeyed = keys(rotated, MADE, MADE.plus(Duration.ofDays(10)), MADE.plus(Duration.ofDays(100)));
        GroupCommand host = RotationSchedule.command(rotated, true, new HostGroupKeysGenerated(rekeyed.eventId(),
                rekeyed.group(), rekeyed.revision(), rekeyed.occurredAt(), rekeyed.correlationId(), rekeyed.cause(),
                rekeyed.spec(), rekeyed.hosts(), rekeyed.presharedKeySeed(), day200), day200).orElseThrow();
        assertThat(host.action()).isEqualTo(GroupCommand.Action.ROTATE_HOST);
        assertThat(host.host()).isEqualTo(HostName.parse("h1"));
        HostGroupChanged hostRotated = service.execute(host).change();
        assertThat(hostRotated.cause()).isEqualTo(ChangeCause.SCHEDULED_ROTATION);
        assertThat(hostRotated.rotatedHost()).isEqualTo(HostName.parse("h1"));

        // a second replica that saw the same key due asks for the revision that moved on: refused, no second rotation
        assertThatThrownBy(() -> service.execute(host)).isInstanceOf(RequestRejected.class);
    }

    @Test
    void aGroupWithoutAScheduleIsNeverRotatedBySchedule() {
        HostGroupChanged group = service.upsert(GroupName.parse("lab"), Fixtures.body("h1", "h2"), null).change();
        assertThat(RotationSchedule.command(group, true, keys(group, MADE, MADE), MADE.plus(Duration.ofDays(5000))))
                .isEmpty();
    }

    /** Keys of h1, h2 and h3 made at the given times; the seed with the first. */
    private HostGroupKeysGenerated keys(Instant... made) {
        return keys(service.upsert(GroupName.parse("lab"), Fixtures.body("h1", "h2", "h3"), null).change(), made);
    }

    /** Keys of the group's hosts made at the given times; the seed with the first. */
    private static HostGroupKeysGenerated keys(HostGroupChanged group, Instant... made) {
        HostGroupKeysGenerated keyed = Fixtures.keyed(group, null);
        List<HostKeys> hosts = new ArrayList<>();
        for (int i = 0; i < keyed.hosts().size(); i++) {
            HostKeys host = keyed.hosts().get(i);
            hosts.add(new HostKeys(host.host(), host.publicKey(), host.privateKey(), made[i]));
        }
        return new HostGroupKeysGenerated(keyed.eventId(), keyed.group(), keyed.revision(), keyed.occurredAt(),
                keyed.correlationId(), keyed.cause(), keyed.spec(), hosts, keyed.presharedKeySeed(), made[0]);
    }
}
