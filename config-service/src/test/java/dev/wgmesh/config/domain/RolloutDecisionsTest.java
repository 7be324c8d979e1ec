package dev.wgmesh.config.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.events.RolloutProgressed.State;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Rollouts in waves as the deciding replica makes them, from real boards fed as the topics would feed them. */
class RolloutDecisionsTest {

    private static final GroupName GROUP = GroupName.parse("lab");
    private static final HostName H1 = HostName.parse("h1");
    private static final HostName H3 = HostName.parse("h3");

    private final TestClock clock = new TestClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final Owner owner = new Owner(Owner.DEFAULT_QUOTAS, clock);
    private HostGroupKeysGenerated firstKeys;

    @BeforeEach
    void aRunningGroupThatRollsOutInWaves() {
        Accepted created = upsert(body("pause", "192.0.2.3:51820"));
        assertThat(created.rollout()).as("a new group has nothing running to protect").isNull();
        assertThat(created.change().staged()).isFalse();
        firstKeys = Fixtures.keyed(created.change(), null);
        owner.board.keysGenerated(firstKeys);
    }

    @Test
    void aChangeOfARunningGroupStartsWithTheHostItTouchesAsCanary() {
        ChangePlan plan = owner.decider.plan(GROUP, body("pause", "192.0.2.3:51999"), null);
        Accepted accepted = upsert(body("pause", "192.0.2.3:51999"));

        assertThat(plan.waves()).as("the plan shows the waves the change then takes").isEqualTo(accepted.rollout().waves());

        assertThat(accepted.change().staged()).isTrue();
        RolloutProgressed rollout = accepted.rollout();
        assertThat(rollout.state()).isEqualTo(State.RUNNING);
        assertThat(rollout.revision()).isEqualTo(2);
        assertThat(rollout.previousRevision()).isEqualTo(1);
        assertThat(rollout.waves()).containsExactly(List.of(H3), List.of(H1, HostName.parse("h2")),
                List.of(HostName.parse("h4")));
        assertThat(rollout.previousSpec()).isEqualTo(owner.published.get(0).spec());
        assertThat(rollout.gateSeconds()).isEqualTo(30);
    }

    @Test
    void newPresharedKeysGoToEveryHostAtOnceTheyAreHitless() {
        Accepted rotated = owner.execute(GroupCommand.of(GROUP, GroupCommand.Action.ROTATE_PRESHARED_KEYS, null, null,
                null, Actor.SCHEDULE));

        assertThat(rotated.change().cause()).isEqualTo(ChangeCause.SCHEDULED_ROTATION);
        assertThat(rotated.change().staged()).isFalse();
        assertThat(rotated.rollout()).isNull();
    }

    @Test
    void whileItRunsEveryOtherChangeWaitsButADeleteGoesThrough() {
        upsert(body("pause", "192.0.2.3:51999"));

        assertThatThrownBy(() -> owner.execute(GroupCommand.of(GROUP, GroupCommand.Action.ROTATE_GROUP, null, null, null, Actor.AUTOMATION))).isInstanceOfSatisfying(RequestRejected.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.problems().get(0).message()).contains("wave 1 of 3").contains("/rollout/rollback");
        });
        assertThat(owner.execute(GroupCommand.of(GROUP, GroupCommand.Action.DELETE, null, null, null, Actor.AUTOMATION)).change().deleted()).isTrue();
    }

    @Test
    void aWaveWhoseTunnelsCarryTrafficAfterTheApplyLetsTheNextOneGo() {
        RolloutProgressed rollout = upsert(body("pause", "192.0.2.3:51999")).rollout();
        keyed(owner.published.get(1));
        Instant applied = applied(H3);
        assertThatThrownBy(() -> check()).as("not decided yet").isInstanceOf(RequestRejected.class);

        clock.pass(Duration.ofSeconds(5));
        observed(H3, applied.plusSeconds(5), List.of("h1", "h2", "h4"));
        RolloutProgressed next = check().rollout();

        assertThat(next.state()).isEqualTo(State.RUNNING);
        assertThat(next.wave()).isEqualTo(2);
        assertThat(next.waveStartedAt()).isEqualTo(clock.instant());
        assertThat(next.evidence()).hasSize(3).allMatch(line -> line.startsWith("h3 <- h") && line.contains("traffic at"));
        assertThat(next.released(H1)).isTrue();
        assertThat(rollout.released(H1)).isFalse();
    }

    @Test
    void aTunnelWithoutTrafficPastTheGatePausesTheRolloutAndAnOperatorRollsItBackToTheKeysBefore() {
        upsert(body("pause", "192.0.2.3:51999"));
        keyed(owner.published.get(1));
        Instant applied = applied(H3);
        observed(H3, applied.plusSeconds(5), List.of("h2", "h4"));

        clock.pass(Duration.ofSeconds(31));
        RolloutProgressed paused = check().rollout();
        assertThat(paused.state()).isEqualTo(State.PAUSED);
        assertThat(paused.reason()).contains("wave 1 of 3").contains("h3 <- h1: no traffic since");
        assertThat(owner.store.activeRollout(GROUP)).contains(paused);

        Accepted rolledBack = owner.execute(command(GroupCommand.Action.ROLLOUT_ROLLBACK, Actor.api("192.0.2.50")));
        HostGroupChanged change = rolledBack.change();
        assertThat(change.cause()).isEqualTo(ChangeCause.ROLLBACK);
        assertThat(change.revision()).isEqualTo(3);
        assertThat(change.spec()).isEqualTo(owner.published.get(0).spec());
        assertThat(change.actor().value()).isEqualTo("api@192.0.2.50");
        assertThat(rolledBack.rollout().state()).isEqualTo(State.ROLLED_BACK);
        assertThat(owner.store.rollout(GROUP)).contains(rolledBack.rollout());
        assertThat(owner.store.activeRollout(GROUP)).isEmpty();
        assertThat(upsert(body("pause", "192.0.2.3:51820")).change().revision())
                .as("after the rollback the group takes changes again").isEqualTo(4);
    }

    @Test
    void withOnFailureRollbackAFailedApplyRollsBackAtOnce() {
        upsert(body("rollback", "192.0.2.3:51999"));
        HostGroupKeysGenerated keys = keyed(owner.published.get(1));
        owner.board.reported(new DeploymentReported(UUID.randomUUID(), GROUP, keys.revision(), clock.instant(),
                keys.correlationId(), H3, DeploymentReported.Outcome.FAILED, "wg-quick: Address already in use", "sha256:x",
                "replica-1", 5));

        Accepted decided = check();

        assertThat(decided.change().cause()).isEqualTo(ChangeCause.ROLLBACK);
        assertThat(decided.change().spec()).isEqualTo(owner.published.get(0).spec());
        assertThat(decided.change().actor()).isEqualTo(Actor.ROLLOUT);
        assertThat(decided.rollout().state()).isEqualTo(State.ROLLED_BACK);
        assertThat(decided.rollout().reason()).contains("h3 failed to apply revision 2").contains("Address already in use");
    }

    @Test
    void aPausedRolloutResumesWithItsNextWave() {
        upsert(body("pause", "192.0.2.3:51999"));
        keyed(owner.published.get(1));
        clock.pass(Duration.ofSeconds(31));
        assertThat(check().rollout().state()).isEqualTo(State.PAUSED);
        assertThatThrownBy(() -> check()).isInstanceOf(RequestRejected.class).hasMessageContaining("paused");

        RolloutProgressed resumed = owner.execute(command(GroupCommand.Action.ROLLOUT_RESUME, Actor.AUTOMATION)).rollout();

        assertThat(resumed.state()).isEqualTo(State.RUNNING);
        assertThat(resumed.wave()).isEqualTo(2);
        assertThat(resumed.reason()).isNull();
    }

    @Test
    void statusHoldsHostsNotYetReleasedToThePreviousFilesAndConvergesOnlyWhenTheRolloutIsDone() {
        for (String host : List.of("h1", "h2", "h3", "h4")) {
            owner.board.reported(new DeploymentReported(UUID.randomUUID(), GROUP, 1, clock.instant(), UUID.randomUUID(),
                    HostName.parse(host), DeploymentReported.Outcome.APPLIED, null,
                    owner.board.desiredHashes(GROUP).get(HostName.parse(host)), "replica-1", 5));
        }
        RolloutProgressed rollout = upsert(body("pause", "192.0.2.3:51999")).rollout();
        HostGroupChanged change = owner.published.get(1);
        keyed(change);

        GroupStatus status = owner.board.status(change, rollout);
        assertThat(status.hosts()).extracting(h -> h.host() + " " + h.state()).containsExactly(
                "h1 APPLIED", "h2 APPLIED", "h3 PENDING", "h4 APPLIED");
        assertThat(status.converged()).isFalse();
        assertThat(status.rollout().state()).isEqualTo("RUNNING");
        assertThat(status.rollout().waveHosts()).containsExactly(List.of("h3"), List.of("h1", "h2"), List.of("h4"));
        assertThat(status.rollout().gateDeadline()).isEqualTo(rollout.waveStartedAt().plusSeconds(30));

        applied(H3);
        assertThat(owner.board.status(change, rollout).converged()).as("the rollout is not done").isFalse();
        assertThat(owner.board.converged(change, rollout)).as("the rollout is not done").isFalse();
        RolloutProgressed done = rollout.advanced(UUID.randomUUID(), clock.instant(), List.of())
                .advanced(UUID.randomUUID(), clock.instant(), List.of()).advanced(UUID.randomUUID(), clock.instant(), List.of());
        assertThat(done.state()).isEqualTo(State.DONE);
        assertThat(owner.board.status(change, done).hosts()).extracting(h -> h.host() + " " + h.state()).containsExactly(
                "h1 PENDING", "h2 PENDING", "h3 APPLIED", "h4 PENDING");
        assertThat(owner.board.converged(change, done)).isEqualTo(owner.board.status(change, done).converged()).isFalse();
    }

    @Test
    void rolloutActionsWithoutARolloutAreRefused() {
        assertThatThrownBy(() -> owner.execute(command(GroupCommand.Action.ROLLOUT_RESUME, Actor.AUTOMATION)))
                .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    /** A PUT of the body, decided as the commands topic's are. */
    private Accepted upsert(ObjectNode body) {
        return owner.execute(GroupCommand.of(GROUP, GroupCommand.Action.UPSERT, body, null, null, Actor.AUTOMATION));
    }

    private Accepted check() {
        return owner.execute(command(GroupCommand.Action.ROLLOUT_CHECK, Actor.ROLLOUT));
    }

    private static GroupCommand command(GroupCommand.Action action, Actor actor) {
        return GroupCommand.of(GROUP, action, null, null, null, actor);
    }

    /** Keygen's answer to a staged change: the same keys, with the previous revision's. */
    private HostGroupKeysGenerated keyed(HostGroupChanged change) {
        HostGroupKeysGenerated before = owner.board.keyed(GROUP).orElseThrow();
        HostGroupKeysGenerated plain = Fixtures.keyed(change, before);
        HostGroupKeysGenerated keys = new HostGroupKeysGenerated(plain.eventId(), GROUP, change.revision(),
                plain.occurredAt(), plain.correlationId(), plain.cause(), plain.spec(), plain.hosts(),
                plain.presharedKeySeed(), plain.presharedKeySeedCreatedAt(),
                change.staged() ? before.withoutPrevious() : null);
        owner.board.keysGenerated(keys);
        return keys;
    }

    /** The deployer applied the host's new files now. */
    private Instant applied(HostName host) {
        owner.board.reported(new DeploymentReported(UUID.randomUUID(), GROUP, 2, clock.instant(), UUID.randomUUID(), host,
                DeploymentReported.Outcome.APPLIED, null, owner.board.desiredHashes(GROUP).get(host), "replica-1", 5));
        return clock.instant();
    }

    /** The deployer looked at the host and saw bytes from these peers since its apply. */
    private void observed(HostName host, Instant at, List<String> receivedFrom) {
        List<Link> links = new ArrayList<>();
        for (String peer : List.of("h1", "h2", "h3", "h4")) {
            if (!peer.equals(host.value())) {
                links.add(new Link(HostName.parse(peer), LinkState.UP, at.minusSeconds(100), 1000, 1000, null,
                        receivedFrom.contains(peer) ? at : null));
            }
        }
        owner.health.reported(new HostHealthReported(UUID.randomUUID(), GROUP, 2, at, UUID.randomUUID(), host,
                "replica-1", at, HostHealthReported.Drift.IN_SYNC, List.of(), links));
    }

    /** Four hosts rolled out in waves: a canary, then two at a time, a gate of 30 s. */
    private static ObjectNode body(String onFailure, String h3Endpoint) {
        ObjectNode body = (ObjectNode) Fixtures.body("h1", "h2", "h3", "h4");
        ((ObjectNode) body.get("hosts").get(2)).put("endpoint", h3Endpoint);
        body.put("persistentKeepalive", 25);
        body.set("rollout", Fixtures.json("""
                {"strategy": "waves", "canary": 1, "waveSize": 2, "gateSeconds": 30, "onFailure": "%s"}""".formatted(onFailure)));
        return body;
    }
}
