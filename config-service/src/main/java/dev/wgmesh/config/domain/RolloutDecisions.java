package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.Host;
import dev.wgmesh.common.group.HostGroupSpec;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.group.Rollout;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Rollouts in waves, decided with the group's other changes (on the thread that owns its commands): which
 * change starts one and in which waves, when its gate lets the next wave go, and a pause or rollback when it
 * does not. A rollback is a new revision with the previous revision's spec (keygen gives back its keys), so
 * revisions only move forward and every host returns the way any change reaches it.
 */
public final class RolloutDecisions {

    /**
     * Changes that roll out in waves when the group says so (a scheduled rotation when it rotates a host's key
     * pair); new preshared keys are hitless and go at once, as revokes and deletes do.
     */
    private static final Set<ChangeCause> STAGED = Set.of(ChangeCause.UPSERT, ChangeCause.ROTATE_GROUP,
            ChangeCause.ROTATE_HOST, ChangeCause.SCHEDULED_ROTATION);

    private final GroupStore store;
    private final RolloutGate gate;
    private final Clock clock;

    public RolloutDecisions(GroupStore store, RolloutGate gate, Clock clock) {
        this.store = store;
        this.gate = gate;
        this.clock = clock;
    }

    /** A change of a group whose rollout of its latest revision runs or is paused waits for it, a delete excepted. */
    void checkNoRolloutRunning(GroupName group, GroupCommand.Action action) {
        Optional<RolloutProgressed> running = store.activeRollout(group);
        if (running.isPresent() && action != GroupCommand.Action.DELETE) {
            RolloutProgressed rollout = running.get();
            throw new RequestRejected(409, "Rollout in progress", rollout.revision(), List.of(new Problem("rollout",
                    quote(rollout.state().name()), "revision " + rollout.revision() + " of group " + quote(group.value())
                    + " is rolling out in waves (wave " + rollout.wave() + " of " + rollout.waves().size() + ", "
                    + rollout.state() + "); wait for it, or resume it or roll it back: POST /api/v1/groups/"
                    + group + "/rollout/resume or .../rollout/rollback")));
        }
    }

    /**
     * The change as it is published: staged, with the rollout it starts, when the group already runs, its
     * rollout strategy is waves and the change is one that goes in waves; else as it is.
     *
     * @param latest the group's change before this one (null: none)
     */
    Accepted staged(HostGroupChanged latest, Accepted accepted) {
        HostGroupChanged change = accepted.change();
        if (latest == null || latest.deleted() || change.deleted() || !change.spec().rollsOutInWaves()
                || !STAGED.contains(change.cause())
                || change.cause() == ChangeCause.SCHEDULED_ROTATION && change.rotatedHost() == null) {
            return accepted;
        }
        Rollout settings = change.spec().rollout();
        Instant now = clock.instant();
        RolloutProgressed rollout = new RolloutProgressed(UUID.randomUUID(), change.group(), change.revision(), now,
                change.correlationId(), RolloutProgressed.State.RUNNING,
                waves(latest.spec(), change.spec(), change.rotatedHost()), 1,
                now, settings.gateSeconds(), latest.revision(), latest.spec(), null, List.of());
        return new Accepted(change.inWaves(), accepted.created(), rollout);
    }

    /**
     * The waves a change from {@code before} to {@code after} rolls out in: the hosts the change touches itself
     * first (a rotated host, a host declared anew or declared differently), so the canary is the host most
     * likely to show what is wrong; then by slot.
     */
    static List<List<HostName>> waves(HostGroupSpec before, HostGroupSpec after, HostName rotated) {
        List<HostName> touched = new ArrayList<>();
        List<HostName> others = new ArrayList<>();
        for (Host host : after.hosts()) {
            boolean own = host.name().equals(rotated) || !before.host(host.name()).map(host::equals).orElse(false);
            (own ? touched : others).add(host.name());
        }
        touched.addAll(others);
        return after.rollout().waves(touched);
    }

    /** A rollout action of the commands topic. */
    Accepted decide(GroupCommand command) {
        GroupName group = command.group();
        if (store.current(group).isEmpty()) {
            throw RequestRejected.notFound(0, new Problem("group", quote(group.value()), "there is no group "
                    + quote(group.value())));
        }
        RolloutProgressed rollout = store.activeRollout(group).orElseThrow(() -> new RequestRejected(409,
                "No rollout in progress", currentRevision(group), List.of(new Problem("rollout", null, "group "
                + quote(group.value()) + " has no rollout in waves running or paused"))));
        Instant now = clock.instant();
        return switch (command.action()) {
            case ROLLOUT_CHECK -> check(rollout, now, command.actor());
            case ROLLOUT_RESUME -> {
                if (rollout.state() != RolloutProgressed.State.PAUSED) {
                    throw new RequestRejected(409, "Rollout not paused", rollout.revision(), List.of(new Problem(
                            "rollout", quote(rollout.state().name()), "the rollout of revision " + rollout.revision()
                            + " is running, not paused; it goes on by itself")));
                }
                yield new Accepted(null, false, rollout.resumed(UUID.randomUUID(), now));
            }
            case ROLLOUT_ROLLBACK -> rollback(rollout, "rolled back by " + command.actor(), rollout.evidence(), now,
                    command.actor());
            default -> throw new IllegalArgumentException(command.action() + " is not a rollout action");
        };
    }

    private Accepted check(RolloutProgressed rollout, Instant now, Actor actor) {
        if (rollout.state() != RolloutProgressed.State.RUNNING) {
            throw new RequestRejected(409, "Rollout not running", rollout.revision(), List.of(new Problem("rollout",
                    quote(rollout.state().name()), "the rollout of revision " + rollout.revision()
                    + " is paused: resume it or roll it back")));
        }
        RolloutGate.Verdict verdict = gate.check(rollout, now);
        return switch (verdict.outcome()) {
            case PASSED -> new Accepted(null, false, rollout.advanced(UUID.randomUUID(), now, verdict.evidence()));
            case WAITING -> throw new RequestRejected(409, "Gate not decided", rollout.revision(), List.of(new Problem(
                    "rollout", null, "the gate of wave " + rollout.wave() + " has not passed yet and has time left")));
            case FAILED -> {
                Rollout settings = store.latest(rollout.group()).map(c -> c.spec().rollout()).orElse(null);
                yield settings != null && settings.onFailure() == Rollout.OnFailure.PAUSE
                        ? new Accepted(null, false, rollout.paused(UUID.randomUUID(), now, verdict.reason(),
                        verdict.evidence()))
                        : rollback(rollout, verdict.reason(), verdict.evidence(), now, actor);
            }
        };
    }

    /** A new revision with the spec before the rollout; keygen restores that revision's keys for it. */
    private Accepted rollback(RolloutProgressed rollout, String why, List<String> evidence, Instant now, Actor actor) {
        HostGroupChanged latest = store.current(rollout.group()).orElseThrow();
        List<HostName> revoked = latest.revoked().stream().filter(host -> rollout.previousSpec().host(host).isEmpty())
                .toList();
        UUID id = UUID.randomUUID();
        HostGroupChanged change = new HostGroupChanged(id, rollout.group(), latest.revision() + 1, now, id,
                ChangeCause.ROLLBACK, null, rollout.previousSpec(), actor, revoked);
        return new Accepted(change, false, rollout.rolledBack(UUID.randomUUID(), now, why, evidence));
    }

    private long currentRevision(GroupName group) {
        return store.current(group).map(HostGroupChanged::revision).orElse(0L);
    }

    private static String quote(String value) {
        return InvalidValueException.quote(value);
    }
}
