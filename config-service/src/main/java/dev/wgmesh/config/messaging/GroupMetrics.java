package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.StatusBoard;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code wgmesh_group_converged{group}} (1 when every host runs the group's latest revision, read from the
 * status board at each scrape) and {@code wgmesh_rollout_seconds} (from a change's acceptance to the
 * moment its group converged). Only changes accepted while this replica runs are timed: the history read
 * back at start would time old rollouts by how long ago they were. {@code wgmesh_key_age_seconds{group,host}}:
 * each host's key pair's age, read at each scrape, for alerts on keys that outlive their schedule.
 */
@Component
class GroupMetrics {

    private final MeterRegistry registry;
    private final GroupStore store;
    private final StatusBoard board;
    private final Clock clock;
    private final Instant started;
    private final Timer rollout;
    /** The key age gauge of each host ({@code group/host}) and when its key pair was made. */
    private final Map<String, Gauge> keyAges = new ConcurrentHashMap<>();
    private final Map<String, Instant> keysMadeAt = new ConcurrentHashMap<>();
    private final Map<GroupName, Gauge> converged = new ConcurrentHashMap<>();
    /** The revision whose rollout was last timed, per group, so each is timed once. */
    private final Map<GroupName, Long> timed = new ConcurrentHashMap<>();

    GroupMetrics(MeterRegistry registry, GroupStore store, StatusBoard board, Clock clock) {
        this.registry = registry;
        this.store = store;
        this.board = board;
        this.clock = clock;
        this.started = clock.instant();
        this.rollout = Timer.builder("wgmesh.rollout")
                .description("from a change accepted by config-service to every host of its group running it")
                .register(registry);
    }

    /** New keys of a group were read: one key age gauge per host that has a key of known age, none for the others. */
    void keyed(HostGroupKeysGenerated keys) {
        Map<String, Instant> now = new HashMap<>();
        keys.hosts().stream().filter(host -> host.createdAt() != null)
                .forEach(host -> now.put(HostConfigRendered.key(keys.group(), host.host()), host.createdAt()));
        String prefix = keys.group().value() + "/";
        for (String key : List.copyOf(keysMadeAt.keySet())) {
            if (key.startsWith(prefix) && !now.containsKey(key)) {
                keysMadeAt.remove(key);
                Gauge gone = keyAges.remove(key);
                if (gone != null) {
                    registry.remove(gone);
                }
            }
        }
        keysMadeAt.putAll(now);
        now.keySet().forEach(key -> keyAges.computeIfAbsent(key, k -> Gauge.builder("wgmesh.key.age", () -> ageOf(k))
                .baseUnit("seconds").description("age of each host's key pair, from when keygen made it")
                .tags(Tags.of("group", keys.group().value(), "host", k.substring(prefix.length())))
                .strongReference(true).register(registry)));
    }

    private double ageOf(String key) {
        Instant made = keysMadeAt.get(key);
        return made == null ? Double.NaN : Math.max(0, Duration.between(made, clock.instant()).toSeconds());
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
        if (board.converged(change, store.rollout(change.group()).orElse(null))) {
            timed.put(group, change.revision());
            rollout.record(Duration.between(change.occurredAt(), clock.instant()));
        }
    }

    private double convergedNow(GroupName group) {
        return store.current(group).map(change -> board.converged(change, store.rollout(change.group()).orElse(null))
                ? 1.0 : 0.0).orElse(Double.NaN);
    }
}
