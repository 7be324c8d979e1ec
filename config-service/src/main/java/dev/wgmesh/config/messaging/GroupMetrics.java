package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.StatusBoard;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code wgmesh_group_converged{group}} (1 when every host runs the group's latest revision, read from the
 * status board at each scrape) and {@code wgmesh_rollout_seconds} (from a change's acceptance to the
 * moment its group converged). Only changes accepted while this replica runs are timed: the history read
 * back at start would time old rollouts by how long ago they were.
 */
@Component
class GroupMetrics {

    private final MeterRegistry registry;
    private final GroupStore store;
    private final StatusBoard board;
    private final Clock clock;
    private final Instant started;
    private final Timer rollout;
    private final Map<GroupName, Gauge> converged = new ConcurrentHashMap<>();
    /** The revision whose rollout was last timed, per group, so each is timed once. */
    private final Map<GroupName, Long> timed = new ConcurrentHashMap<>();

    GroupMetrics(MeterRegistry registry, GroupStore store, StatusBoard board) {
        this.registry = registry;
        this.store = store;
        this.board = board;
        this.clock = Clock.systemUTC();
        this.started = clock.instant();
        this.rollout = Timer.builder("wgmesh.rollout")
                .description("from a change accepted by config-service to every host of its group running it")
                .register(registry);
    }

    /** The status of the group may have moved: a keyed group or a deployment report of it was read. */
    void observed(GroupName group) {
        HostGroupChanged change = store.current(group).orElse(null);
        if (change == null) {
            Gauge gone = converged.remove(group);
            if (gone != null) {
                registry.remove(gone);
            }
            timed.remove(group);
            return;
        }
        converged.computeIfAbsent(group, g -> Gauge.builder("wgmesh.group.converged", () -> convergedNow(g))
                .description("1 when every host of the group runs its latest revision, else 0")
                .tag("group", g.value()).strongReference(true).register(registry));
        if (change.occurredAt().isBefore(started) || Long.valueOf(change.revision()).equals(timed.get(group))) {
            return;
        }
        if (board.status(change).converged()) {
            timed.put(group, change.revision());
            rollout.record(Duration.between(change.occurredAt(), clock.instant()));
        }
    }

    private double convergedNow(GroupName group) {
        return store.current(group).map(change -> board.status(change).converged() ? 1.0 : 0.0).orElse(Double.NaN);
    }
}
