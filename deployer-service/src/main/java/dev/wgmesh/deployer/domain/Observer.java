package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Cause;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.events.SafeText;
import dev.wgmesh.common.events.WgmeshEvent;
import dev.wgmesh.common.group.DriftPolicy;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.common.wireguard.WgConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the hosts this replica owns (those on its partitions of wgmesh.host-config-rendered): looks at
 * each after every apply and every {@code interval} (jittered, so a thousand hosts spread over it), and
 * publishes a {@link HostHealthReported} when what it saw changed (drift, differences, a tunnel's state,
 * a tunnel's first bytes since the host's last apply; not byte counters) and at least every
 * {@link #REPORT_AT_LEAST_EVERY}. It applies a host again, reported with the cause: when it drifted and
 * its group repairs drift ({@code drift-repair}), when its last apply failed ({@code retry}, after 10 s
 * doubling to 5 min), when an operator asked ({@code reapply}), and when this deployer's disk has no
 * record of applying it ({@code restore}: a new disk or --out). A repair that does not make the host
 * right waits as a failure does, so nothing is applied in a loop.
 * <p>A host whose last full look found it settled (in sync, every tunnel up and carrying bytes since its
 * apply) is then only asked whether anything changed ({@link Target#unchanged}), until its next report is
 * due: a thousand peers' lines a look cost a deployer more than all else it does for a stable mesh. Any
 * change, or any doubt, and the host gets a full look at once.
 */
public final class Observer {

    private static final Logger log = LoggerFactory.getLogger(Observer.class);

    static final Duration REPORT_AT_LEAST_EVERY = Duration.ofMinutes(5);
    static final Duration FIRST_PAUSE = Duration.ofSeconds(10);
    static final Duration LONGEST_PAUSE = Duration.ofMinutes(5);

    /** Where what the observer finds goes. */
    public interface Sink {
        /** A health or deployment report to publish. */
        void publish(WgmeshEvent event);

        /** Every observation, published or not (metrics). */
        default void observed(HostHealthReported health) {
        }

        /** A look at a host: brief (asked whether anything changed), or full (metrics). */
        default void looked(boolean brief) {
        }

        /** The host is no longer watched here (it left, or another replica owns it now). */
        default void forgotten(GroupName group, HostName host) {
        }
    }

    /**
     * What was published last, to tell a change: not the handshake times or byte counters, but whether bytes
     * arrived since the apply (a rollout's gate waits for that). The revision is in it because a report of an
     * older revision no longer counts.
     */
    private record Seen(long revision, Drift drift, List<String> differences, List<HostName> peers,
                        List<LinkState> states, List<Boolean> received) {
        static Seen of(HostHealthReported health) {
            return new Seen(health.revision(), health.drift(), health.differences(), health.links().stream().map(Link::peer).toList(),
                    health.links().stream().map(Link::state).toList(),
                    health.links().stream().map(link -> link.receivedAfterApplyAt() != null).toList());
        }
    }

    private static final class Watched {
        HostConfigRendered record;
        int partition;
        ExpectedHost expected;
        UUID expectedFor;
        /** When the host got its current configs, or when this replica began to watch it. */
        Instant since;
        Instant next;
        Cause pending;
        /** Whether this disk has applied the host once: only then is a missing config drift to repair. */
        boolean appliedHere;
        boolean lastFailed;
        int failures;
        Instant notBefore;
        Seen published;
        Instant publishedAt;
        /** Bytes from each peer since the host's last apply. */
        TrafficSinceApply traffic = TrafficSinceApply.NONE;
        /** The host's digests at its last full look, when that found it settled; else null. */
        Map<InterfaceName, String> settled;
        /** Applies of the listener under way: the host is between two configs, so not looked at. */
        int applying;
        /**
         * The revision of a record read back that the listener has yet to apply (null: none): until it has, what
         * the host runs is behind, not drifted, and is not repaired.
         */
        Long awaited;
    }

    private final Deployer deployer;
    private final Target target;
    private final Clock clock;
    private final Duration interval;
    private final RandomGenerator random;
    private final Sink sink;
    private final Map<String, Watched> hosts = new ConcurrentHashMap<>();

    public Observer(Deployer deployer, Target target, Clock clock, Duration interval, RandomGenerator random, Sink sink) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the observe interval must be positive, not " + interval);
        }
        this.deployer = deployer;
        this.target = target;
        this.clock = clock;
        this.interval = interval;
        this.random = random;
        this.sink = sink;
    }

    /**
     * A host's latest record, read back when its partition came to this replica. A host this deployer's
     * disk has no record of is applied again ({@code restore}), unless the listener gets to its record anyway.
     *
     * @param consumed true when the record is before the consumer group's committed offset (so the
     *                 listener will not apply it again)
     */
    public void load(HostConfigRendered record, int partition, boolean consumed) {
        Watched watched = watch(record, partition);
        if (watched == null) {
            return;
        }
        try {
            boolean known = deployer.applied(record.group(), record.host()).isPresent();
            synchronized (watched) {
                // not known and not consumed: the listener applies it soon, and until then it is no drift to repair
                watched.appliedHere = known;
                if (!consumed) {
                    watched.awaited = record.revision();
                }
                if (!known && consumed) {
                    watched.pending = Cause.RESTORE;
                    watched.next = clock.instant();
                }
            }
        } catch (IOException e) {
            log.warn("{}: cannot read what was applied: {}", record.recordKey(), e.toString());
        }
    }

    /**
     * The listener is about to apply the record. Until {@link #applied} the host is not looked at: a look in
     * between would find the new files against the old record, call that drift, and put the old configs back.
     */
    public void applying(HostConfigRendered record, int partition) {
        Watched watched = watch(record, partition);
        if (watched != null) {
            synchronized (watched) {
                watched.applying++;
            }
        }
    }

    /**
     * The listener is done with the record: look at the host now, and retry it later if it failed.
     *
     * @param report what the apply reported, or null when nothing was applied (already applied, or it threw)
     */
    public void applied(HostConfigRendered record, int partition, DeploymentReported report) {
        Watched watched = watch(record, partition);
        if (watched != null) {
            synchronized (watched) {
                watched.applying = Math.max(0, watched.applying - 1);
                if (watched.awaited != null && record.revision() >= watched.awaited) {
                    watched.awaited = null;
                }
                if (report != null) {
                    outcome(watched, report, clock.instant());
                }
                watched.next = clock.instant();
            }
        }
    }

    /** The host left its group (a tombstone at {@code revision}). */
    public void removed(GroupName group, HostName host, long revision) {
        String key = HostConfigRendered.key(group, host);
        Watched watched = hosts.get(key);
        if (watched != null && watched.record.revision() <= revision && hosts.remove(key, watched)) {
            forget(watched);
        }
    }

    /** These partitions went to another replica: their hosts are its to watch now. */
    public void disown(Collection<Integer> partitions) {
        hosts.values().removeIf(watched -> {
            if (partitions.contains(watched.partition)) {
                forget(watched);
                return true;
            }
            return false;
        });
    }

    private void forget(Watched watched) {
        target.forget(watched.record.group(), watched.record.host());
        sink.forgotten(watched.record.group(), watched.record.host());
    }

    /** An operator asked to apply the host again now; false when this replica does not own it. */
    public boolean reapply(GroupName group, HostName host) {
        Watched watched = hosts.get(HostConfigRendered.key(group, host));
        if (watched == null) {
            return false;
        }
        synchronized (watched) {
            watched.pending = Cause.REAPPLY;
            watched.next = clock.instant();
        }
        return true;
    }

    public int size() {
        return hosts.size();
    }

    /** Looks at every host whose time has come, on {@code executor}, and returns when all are done. */
    public void observeDue(Executor executor) {
        Instant now = clock.instant();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (Watched watched : hosts.values()) {
            boolean due;
            synchronized (watched) {
                due = !watched.next.isAfter(now);
            }
            if (due) {
                running.add(CompletableFuture.runAsync(() -> observe(watched), executor));
            }
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
    }

    private Watched watch(HostConfigRendered record, int partition) {
        Instant now = clock.instant();
        Watched watched = hosts.computeIfAbsent(record.recordKey(), key -> {
            Watched fresh = new Watched();
            fresh.record = record;
            fresh.since = now;
            // spread: the hosts a replica takes at once are looked at over one interval, not all together
            fresh.next = now.plusMillis((long) (random.nextDouble() * interval.toMillis()));
            return fresh;
        });
        synchronized (watched) {
            if (record.revision() < watched.record.revision()) {
                return null;
            }
            if (!record.eventId().equals(watched.record.eventId())) {
                watched.record = record;
                watched.since = now;
                watched.settled = null;
            }
            watched.partition = partition;
        }
        return watched;
    }

    private void observe(Watched watched) {
        synchronized (watched) {
            Instant now = clock.instant();
            if (watched.applying > 0) {
                watched.next = now.plus(interval);
                return;
            }
            try {
                Cause cause = watched.pending != null ? watched.pending
                        : watched.lastFailed && !now.isBefore(watched.notBefore) ? Cause.RETRY : null;
                watched.pending = null;
                if (cause != null) {
                    applyAgain(watched, cause, now);
                } else if (stillSettled(watched, now)) {
                    return;
                }
                HostHealthReported health = look(watched, now);
                if (health != null && (health.drift() == Drift.DRIFTED || health.drift() == Drift.MISSING)
                        && watched.record.driftPolicy() == DriftPolicy.REPAIR && watched.appliedHere && !watched.lastFailed
                        && watched.awaited == null
                        && (watched.notBefore == null || !now.isBefore(watched.notBefore))) {
                    report(watched, health, now);
                    log.info("{}: {}, applying it again: {}", watched.record.recordKey(), health.drift(),
                            String.join("; ", health.differences()));
                    int failures = watched.failures;
                    applyAgain(watched, Cause.DRIFT_REPAIR, now);
                    health = look(watched, clock.instant());
                    if (health != null && health.drift() != Drift.IN_SYNC && !watched.lastFailed) {
                        // applied, yet still not right: wait before the next repair, as after a failure
                        watched.failures = failures;
                        pause(watched, now);
                    }
                }
                if (health != null) {
                    report(watched, health, now);
                }
            } catch (RuntimeException e) {
                log.warn("{}: observing failed: {}", watched.record.recordKey(), e.toString());
            } finally {
                watched.next = now.plusMillis((long) (interval.toMillis() * (0.8 + 0.4 * random.nextDouble())));
            }
        }
    }

    private void applyAgain(Watched watched, Cause cause, Instant now) {
        deployer.redeploy(watched.record, cause).ifPresent(report -> {
            sink.publish(report);
            outcome(watched, report, now);
        });
    }

    private void outcome(Watched watched, DeploymentReported report, Instant now) {
        watched.appliedHere = true;
        watched.settled = null;
        if (report.outcome() == Outcome.FAILED) {
            watched.lastFailed = true;
            pause(watched, now);
        } else {
            watched.lastFailed = false;
            watched.failures = 0;
            watched.notBefore = null;
            watched.since = now;
            watched.traffic = TrafficSinceApply.NONE;
        }
    }

    private static void pause(Watched watched, Instant now) {
        watched.failures++;
        long seconds = FIRST_PAUSE.toSeconds() << Math.min(watched.failures - 1, 16);
        watched.notBefore = now.plusSeconds(Math.min(seconds, LONGEST_PAUSE.toSeconds()));
    }

    /** A brief look, while no report is due; a change, or a failure to ask, means a full look. */
    private boolean stillSettled(Watched watched, Instant now) {
        if (watched.settled == null || watched.awaited != null || watched.publishedAt == null
                || !now.isBefore(watched.publishedAt.plus(REPORT_AT_LEAST_EVERY))) {
            return false;
        }
        try {
            sink.looked(true);
            return target.unchanged(ref(watched.record), watched.settled, now.minus(LinkStates.HANDSHAKE_WINDOW));
        } catch (DeployFailure | IOException | RuntimeException e) {
            log.debug("{}: a brief look failed, a full one follows: {}", watched.record.recordKey(), e.toString());
            return false;
        }
    }

    /**
     * In sync, every tunnel up, and bytes from each peer since the apply (a rollout's gate waits for them) or
     * the apply longer ago than a report's longest wait (a tunnel without keepalive may stay idle).
     */
    private static boolean settled(HostHealthReported health, Instant since, Instant now) {
        boolean received = !now.isBefore(since.plus(REPORT_AT_LEAST_EVERY))
                || health.links().stream().allMatch(link -> link.receivedAfterApplyAt() != null);
        return health.drift() == Drift.IN_SYNC && received
                && health.links().stream().allMatch(link -> link.state() == LinkState.UP);
    }

    private static HostRef ref(HostConfigRendered record) {
        return new HostRef(record.group(), record.host(), record.os(), record.revision());
    }

    /** @return what the host has now, or null when its record was replaced by a newer one on its way */
    private HostHealthReported look(Watched watched, Instant now) {
        HostConfigRendered record = watched.record;
        watched.settled = null;
        String unknown;
        try {
            if (watched.expected == null || !record.eventId().equals(watched.expectedFor)) {
                Optional<ExpectedHost> expected = deployer.expected(record);
                if (expected.isEmpty()) {
                    return null;
                }
                watched.expected = expected.get();
                watched.expectedFor = record.eventId();
            }
            sink.looked(false);
            HostObservation observation = target.observe(ref(record), watched.expected);
            DriftCheck.Result drift = DriftCheck.compare(watched.expected, observation);
            HostHealthReported health = health(watched, now, drift.drift(), drift.differences(),
                    LinkStates.of(watched.expected, observation, now, watched.since));
            if (!observation.digests().isEmpty() && settled(health, watched.since, now)) {
                watched.settled = observation.digests();
            }
            return health;
        } catch (DeployFailure e) {
            unknown = e.getMessage();
        } catch (IOException | RuntimeException e) {
            unknown = "cannot look at the host: " + e;
        }
        List<Link> links = new ArrayList<>();
        if (watched.expected != null) {
            watched.expected.interfaces().forEach(i -> i.config().peers().stream().map(WgConfig.Peer::host)
                    .forEach(peer -> links.add(new Link(peer, LinkState.UNKNOWN, null, 0, 0, null))));
        }
        return health(watched, now, Drift.UNKNOWN, List.of(SafeText.redact(unknown)), links);
    }

    private HostHealthReported health(Watched watched, Instant now, Drift drift, List<String> differences,
                                      List<Link> links) {
        HostConfigRendered record = watched.record;
        watched.traffic = watched.traffic.observed(links, now);
        return new HostHealthReported(UUID.randomUUID(), record.group(), record.revision(), now, record.correlationId(),
                record.host(), deployer.replica(), now, drift, differences, watched.traffic.mark(links));
    }

    private void report(Watched watched, HostHealthReported health, Instant now) {
        sink.observed(health);
        Seen seen = Seen.of(health);
        if (!seen.equals(watched.published) || watched.publishedAt == null
                || !now.isBefore(watched.publishedAt.plus(REPORT_AT_LEAST_EVERY))) {
            sink.publish(health);
            watched.published = seen;
            watched.publishedAt = now;
        }
    }
}
