package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.DeploymentReported.Cause;
import dev.wgmesh.common.events.DeploymentReported.Outcome;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.events.WgmeshEvent;
import dev.wgmesh.common.group.DriftPolicy;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.InterfaceName;
import dev.wgmesh.deployer.TestGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObserverTest {

    static final Duration INTERVAL = Duration.ofSeconds(30);

    @TempDir
    Path out;

    final TestClock clock = new TestClock(Instant.parse("2026-12-05T12:00:00Z"));
    final List<WgmeshEvent> published = new CopyOnWriteArrayList<>();
    final List<HostHealthReported> observed = new CopyOnWriteArrayList<>();
    final List<String> forgotten = new CopyOnWriteArrayList<>();
    final TestGroup group = new TestGroup("g1", 3);
    CountingTarget target;
    Deployer deployer;
    Observer observer;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /**
     * The file target, counting applies; it can be told to fail them or to write nothing, or to show hosts
     * running what was applied, each peer with a handshake 5 s ago and {@code rxBytes} received.
     */
    static final class CountingTarget implements Target {
        final FileTarget files;
        final Clock clock;
        final AtomicInteger applies = new AtomicInteger();
        final Map<HostName, DesiredFiles> running = new ConcurrentHashMap<>();
        volatile boolean fail;
        volatile boolean writeNothing;
        /** Null: only the files are seen (links UNKNOWN). */
        volatile Long rxBytes;
        /** How many seconds ago every peer's handshake was. */
        volatile long handshakeAge = 5;
        /** Whether it answers brief looks as wgmesh-apply does (else it cannot, as the file target). */
        volatile boolean answersBriefly;
        final AtomicInteger fullLooks = new AtomicInteger();
        final AtomicInteger briefLooks = new AtomicInteger();
        /** The hosts it was told to let go of (a command target's status sessions). */
        final List<String> forgotten = new CopyOnWriteArrayList<>();

        CountingTarget(Path out, Clock clock) {
            files = new FileTarget(out);
            this.clock = clock;
        }

        @Override
        public String apply(HostRef host, DesiredFiles desired) throws IOException, DeployFailure {
            applies.incrementAndGet();
            if (fail) {
                throw new DeployFailure("disk on fire");
            }
            if (writeNothing) {
                return "nothing";
            }
            running.put(host.host(), desired);
            return files.apply(host, desired);
        }

        @Override
        public String remove(HostRef host) throws IOException {
            return files.remove(host);
        }

        @Override
        public void forget(GroupName group, HostName host) {
            forgotten.add(group.value() + "/" + host.value());
        }

        @Override
        public HostObservation observe(HostRef host, ExpectedHost expected) throws IOException {
            fullLooks.incrementAndGet();
            Long rx = rxBytes;
            if (rx == null) {
                return files.observe(host, expected);
            }
            return StatusParser.parse(RunningHost.text(runningStatus(host, rx)));
        }

        @Override
        public boolean unchanged(HostRef host, Map<InterfaceName, String> digests, Instant handshakesSince) {
            if (!answersBriefly) {
                return false;
            }
            briefLooks.incrementAndGet();
            String brief = RunningHost.brief(runningStatus(host, rxBytes), handshakesSince.getEpochSecond());
            return StatusParser.Brief.unchanged(StatusParser.parseBrief(brief), digests);
        }

        private List<String> runningStatus(HostRef host, long rx) {
            return RunningHost.status(running.get(host.host()), clock.instant().getEpochSecond() - handshakeAge, rx);
        }
    }

    @BeforeEach
    void setUp() {
        target = new CountingTarget(out, clock);
        deployer = new Deployer(new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey())),
                new PeerTables(Duration.ofMillis(300)), target, new StateStore(out.resolve(".wgmesh-state")), "replica-a");
        observer = new Observer(deployer, target, clock, INTERVAL, new Random(7), new Observer.Sink() {
            @Override
            public void publish(WgmeshEvent event) {
                published.add(event);
            }

            @Override
            public void observed(HostHealthReported health) {
                observed.add(health);
            }

            @Override
            public void forgotten(GroupName g, HostName h) {
                forgotten.add(g + "/" + h);
            }
        });
    }

    /** Every host applied by the listener, as a rollout does. */
    private Map<HostName, HostConfigRendered> rollOut(Map<HostName, HostConfigRendered> records) {
        records.values().forEach(record ->
                observer.applied(record, 0, deployer.deploy(record).orElseThrow()));
        return records;
    }

    private void intervals(int count) {
        for (int i = 0; i < count; i++) {
            clock.advance(INTERVAL.plusSeconds(7)); // past the longest jittered interval
            observer.observeDue(Runnable::run);
        }
    }

    private List<DeploymentReported> deployments() {
        return published.stream().filter(DeploymentReported.class::isInstance).map(DeploymentReported.class::cast).toList();
    }

    private List<HostHealthReported> health(String host) {
        return published.stream().filter(HostHealthReported.class::isInstance).map(HostHealthReported.class::cast)
                .filter(h -> h.host().value().equals(host)).toList();
    }

    @Test
    void aStableGroupIsObservedAndNeverAppliedAgain() {
        rollOut(group.render(1));
        int applied = target.applies.get();
        observer.observeDue(Runnable::run); // right after the applies

        intervals(10);

        assertThat(target.applies.get()).isEqualTo(applied);
        assertThat(deployments()).isEmpty();
        for (String host : List.of("h1", "h2", "h3")) {
            List<HostHealthReported> reports = health(host);
            assertThat(reports).allSatisfy(h -> {
                assertThat(h.drift()).isEqualTo(Drift.IN_SYNC);
                assertThat(h.links()).allSatisfy(link -> assertThat(link.state()).isEqualTo(LinkState.UNKNOWN));
                assertThat(h.replica()).isEqualTo("replica-a");
            });
            // once when first seen, then at least every 5 minutes: 10 intervals of 37 s are 6 minutes
            assertThat(reports).hasSize(2);
        }
    }

    @Test
    void aDeletedFileIsReportedMissingRepairedAndReportedInSync() throws Exception {
        rollOut(group.render(1));
        observer.observeDue(Runnable::run);
        published.clear();
        Files.delete(out.resolve("g1/h2/wg-1.conf"));

        intervals(1);

        List<HostHealthReported> h2 = health("h2");
        assertThat(h2).extracting(HostHealthReported::drift).containsExactly(Drift.MISSING, Drift.IN_SYNC);
        assertThat(h2.get(0).differences()).containsExactly("wg-1: file missing");
        assertThat(deployments()).singleElement().satisfies(report -> {
            assertThat(report.host().value()).isEqualTo("h2");
            assertThat(report.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(report.cause()).isEqualTo(Cause.DRIFT_REPAIR);
            assertThat(report.revision()).isEqualTo(1);
        });
        assertThat(out.resolve("g1/h2/wg-1.conf")).exists();
    }

    @Test
    void anEditedFileIsPutBack() throws Exception {
        Map<HostName, HostConfigRendered> records = rollOut(group.render(1));
        Path file = out.resolve("g1/h1/wg-1.conf");
        String declared = Files.readString(file);
        Files.writeString(file, declared.replace("PersistentKeepalive = 25", "PersistentKeepalive = 5"));

        intervals(1);

        assertThat(Files.readString(file)).isEqualTo(declared);
        assertThat(health("h1").get(0).differences()).contains("wg-1: file differs from the declared one",
                "wg-1: peer h2 persistent keepalive 5, declared 25");
        assertThat(deployments()).extracting(DeploymentReported::cause).containsExactly(Cause.DRIFT_REPAIR);
        assertThat(records).isNotEmpty();
    }

    @Test
    void aGroupThatOnlyReportsDriftIsNotRepaired() throws Exception {
        TestGroup reporting = new TestGroup("g1", 3, DriftPolicy.REPORT);
        rollOut(reporting.render(1));
        Files.delete(out.resolve("g1/h2/wg-1.conf"));

        intervals(3);

        assertThat(health("h2")).extracting(HostHealthReported::drift).containsExactly(Drift.MISSING);
        assertThat(deployments()).isEmpty();
        assertThat(out.resolve("g1/h2/wg-1.conf")).doesNotExist();
    }

    @Test
    void aRepairThatDoesNotHelpWaitsLongerEachTime() throws Exception {
        rollOut(group.render(1));
        target.writeNothing = true;
        Files.delete(out.resolve("g1/h3/wg-2.conf"));
        int before = target.applies.get();

        intervals(10); // 370 s: repairs at about 0, 10+, 30+, 70+, 150+ and 310+ s

        int repairs = target.applies.get() - before;
        assertThat(repairs).isBetween(4, 6);
        assertThat(deployments()).allSatisfy(r -> assertThat(r.cause()).isEqualTo(Cause.DRIFT_REPAIR));
    }

    @Test
    void aFailedHostIsRetriedWithPausesThatDouble() {
        target.fail = true;
        HostConfigRendered h1 = group.render(1).get(group.host(1));
        DeploymentReported failed = deployer.deploy(h1).orElseThrow();
        assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
        observer.applied(h1, 0, failed);
        List<Instant> retries = new ArrayList<>();
        Instant start = clock.instant();

        for (int second = 1; second <= 200; second++) {
            clock.advance(Duration.ofSeconds(1));
            int before = target.applies.get();
            observer.observeDue(Runnable::run);
            if (target.applies.get() > before) {
                retries.add(clock.instant());
            }
        }

        // pauses of 10, 20, 40, 80 s after each failure, looked at on each observation (every 24..36 s)
        assertThat(retries).hasSizeBetween(3, 4);
        assertThat(Duration.between(start, retries.get(0))).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(Duration.between(retries.get(0), retries.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
        assertThat(Duration.between(retries.get(1), retries.get(2))).isGreaterThanOrEqualTo(Duration.ofSeconds(40));
        assertThat(deployments()).allSatisfy(r -> {
            assertThat(r.cause()).isEqualTo(Cause.RETRY);
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        });

        target.fail = false;
        clock.advance(Duration.ofMinutes(6));
        observer.observeDue(Runnable::run);
        assertThat(deployments()).last().satisfies(r -> {
            assertThat(r.cause()).isEqualTo(Cause.RETRY);
            assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
        });
        assertThat(out.resolve("g1/h1/wg-1.conf")).exists();
    }

    @Test
    void aDeployerThatLostItsStateRestoresEveryHostItOwnsOnce() throws Exception {
        Map<HostName, HostConfigRendered> records = rollOut(group.render(1));
        // a new disk: no files and no record of applying them
        PrivateFiles.deleteRecursively(out);
        Files.createDirectories(out);
        published.clear();
        Observer fresh = new Observer(deployer, target, clock, INTERVAL, new Random(3), new Observer.Sink() {
            @Override
            public void publish(WgmeshEvent event) {
                published.add(event);
            }
        });
        records.values().forEach(record -> fresh.load(record, 0, true));

        fresh.observeDue(Runnable::run);
        clock.advance(INTERVAL.multipliedBy(2));
        fresh.observeDue(Runnable::run);

        assertThat(deployments()).hasSize(3).allSatisfy(r -> {
            assertThat(r.cause()).isEqualTo(Cause.RESTORE);
            assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
        });
        assertThat(out.resolve("g1/h3/wg-2.conf")).exists();
    }

    @Test
    void aRecordTheListenerStillGetsToIsNotRestoredTwice() {
        Map<HostName, HostConfigRendered> records = group.render(1);
        records.values().forEach(record -> observer.load(record, 0, false));

        clock.advance(INTERVAL);
        observer.observeDue(Runnable::run);

        assertThat(deployments()).isEmpty();
        assertThat(health("h1")).singleElement().satisfies(h -> assertThat(h.drift()).isEqualTo(Drift.MISSING));
    }

    /**
     * A replica that takes over a partition reads its latest records back while its listener is still on older
     * ones: a host this disk applied before runs older configs than the record read back, which is no drift to
     * repair (a repair would apply the newer revision before the listener applies the older one, and the reports
     * would say so in that order).
     */
    @Test
    void aHostBehindARecordTheListenerStillGetsToIsNotRepaired() {
        HostConfigRendered first = group.render(1).get(group.host(1));
        observer.applied(first, 0, deployer.deploy(first).orElseThrow());
        group.rotate(group.host(1));
        HostConfigRendered second = group.render(2).get(group.host(1));
        group.rotate(group.host(1));
        HostConfigRendered third = group.render(3).get(group.host(1));

        observer.load(third, 0, false);
        intervals(2);
        observer.applied(second, 0, deployer.deploy(second).orElseThrow());
        intervals(2);
        assertThat(deployments()).as("nothing repaired while the listener is behind the record read back").isEmpty();

        observer.applied(third, 0, deployer.deploy(third).orElseThrow());
        intervals(1);
        assertThat(deployments()).isEmpty();
        assertThat(health("h1")).last().satisfies(h -> {
            assertThat(h.revision()).isEqualTo(3);
            assertThat(h.drift()).isEqualTo(Drift.IN_SYNC);
        });
    }

    @Test
    void aHostWhoseStateIsKeptIsNotRestored() {
        Map<HostName, HostConfigRendered> records = rollOut(group.render(1));
        Observer restarted = new Observer(deployer, target, clock, INTERVAL, new Random(3), published::add);
        int applies = target.applies.get();
        records.values().forEach(record -> restarted.load(record, 0, true));

        clock.advance(INTERVAL);
        restarted.observeDue(Runnable::run);

        assertThat(target.applies.get()).isEqualTo(applies);
        assertThat(deployments()).isEmpty();
    }

    @Test
    void reapplyAppliesOneHostNowEvenWhenNothingChanged() {
        rollOut(group.render(1));
        int applies = target.applies.get();

        assertThat(observer.reapply(group.group, group.host(2))).isTrue();
        assertThat(observer.reapply(group.group, HostName.parse("nobody"))).isFalse();
        observer.observeDue(Runnable::run);

        assertThat(target.applies.get()).isEqualTo(applies + 1);
        assertThat(deployments()).singleElement().satisfies(r -> {
            assertThat(r.host()).isEqualTo(group.host(2));
            assertThat(r.cause()).isEqualTo(Cause.REAPPLY);
        });
    }

    @Test
    void hostsThatLeftOrWentToAnotherReplicaAreForgotten() {
        Map<HostName, HostConfigRendered> records = group.render(1);
        observer.applied(records.get(group.host(1)), 3, deployer.deploy(records.get(group.host(1))).orElseThrow());
        observer.applied(records.get(group.host(2)), 4, deployer.deploy(records.get(group.host(2))).orElseThrow());
        observer.applied(records.get(group.host(3)), 4, deployer.deploy(records.get(group.host(3))).orElseThrow());

        observer.removed(group.group, group.host(1), 0); // an older tombstone changes nothing
        assertThat(observer.size()).isEqualTo(3);
        observer.removed(group.group, group.host(1), 2);
        observer.disown(Set.of(4));

        assertThat(observer.size()).isZero();
        assertThat(forgotten).containsExactlyInAnyOrder("g1/h1", "g1/h2", "g1/h3");
        assertThat(target.forgotten).as("the target lets go of them too").containsExactlyInAnyOrder("g1/h1", "g1/h2", "g1/h3");
    }

    @Test
    void aHostTheListenerIsApplyingIsNotLookedAtUntilItIsDone() throws IOException {
        rollOut(group.render(1));
        intervals(1);
        group.rotate(group.host(1));
        HostConfigRendered next = group.render(2).get(group.host(2));
        Path file = out.resolve("g1/h2/wg-1.conf");
        String old = Files.readString(file);

        // the listener has the new record and has not written it yet when the host's look comes due: the
        // files are the old ones (as they are half-way through writing), and that is no drift to repair
        observer.applying(next, 0);
        intervals(1);
        observer.applied(next, 0, deployer.deploy(next).orElseThrow());
        observer.observeDue(Runnable::run);

        assertThat(Files.readString(file)).as("h2 keeps the new configs").isNotEqualTo(old);
        assertThat(deployments()).noneMatch(r -> r.cause() == Cause.DRIFT_REPAIR);
        assertThat(health("h2")).last().satisfies(h -> {
            assertThat(h.revision()).isEqualTo(2);
            assertThat(h.drift()).isEqualTo(Drift.IN_SYNC);
        });
    }

    @Test
    void anOlderRecordDoesNotReplaceANewerOne() {
        HostConfigRendered older = group.render(1).get(group.host(1));
        HostConfigRendered newer = group.render(2).get(group.host(1));
        observer.applied(newer, 0, deployer.deploy(newer).orElseThrow());

        observer.load(older, 0, true);
        intervals(1);

        assertThat(health("h1")).allSatisfy(h -> assertThat(h.revision()).isEqualTo(2));
    }

    @Test
    void aNewRevisionIsReportedAtOnceThoughTheHostLooksTheSame() {
        rollOut(group.render(1));
        observer.observeDue(Runnable::run);
        rollOut(group.render(2));
        clock.advance(Duration.ofSeconds(1));
        observer.observeDue(Runnable::run);

        // the config service counts only reports of the host's current keys: an unchanged look must still be sent
        assertThat(health("h1")).extracting(HostHealthReported::revision).containsExactly(1L, 2L);
    }

    private static List<Instant> received(HostHealthReported health) {
        return health.links().stream().map(HostHealthReported.Link::receivedAfterApplyAt).toList();
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    private HostHealthReported lastObserved(String host) {
        return last(observed.stream().filter(h -> h.host().value().equals(host)).toList());
    }

    @Test
    void theFirstBytesReceivedAfterAnApplyAreReportedAtOnceAndOnlyOnce() {
        target.rxBytes = 1000L;
        rollOut(group.render(1));
        observer.observeDue(Runnable::run); // right after the applies: the baseline

        HostHealthReported first = last(health("h1"));
        assertThat(first.drift()).isEqualTo(Drift.IN_SYNC);
        assertThat(first.links()).extracting(HostHealthReported.Link::state).containsOnly(LinkState.UP);
        assertThat(received(first)).containsOnlyNulls().hasSize(2);
        assertThat(health("h1")).hasSize(1);

        target.rxBytes = 1500L;
        intervals(1);
        Instant firstBytes = clock.instant();

        assertThat(health("h1")).hasSize(2);
        assertThat(received(last(health("h1")))).containsOnly(firstBytes).hasSize(2);

        target.rxBytes = 9000L;
        intervals(1);

        assertThat(health("h1")).as("more bytes are no news").hasSize(2);
        assertThat(lastObserved("h1").observedAt()).isAfter(firstBytes);
        assertThat(received(lastObserved("h1"))).containsOnly(firstBytes).hasSize(2);
        assertThat(deployments()).isEmpty();
    }

    @Test
    void anApplyStartsOverWithTheNextObservationAsTheBaseline() {
        target.rxBytes = 1000L;
        rollOut(group.render(1));
        observer.observeDue(Runnable::run);
        target.rxBytes = 1500L;
        intervals(1);
        assertThat(received(last(health("h2")))).doesNotContainNull();

        observer.reapply(group.group, group.host(2));
        target.rxBytes = 2000L; // more bytes than before, counted only from the look after the apply
        observer.observeDue(Runnable::run);

        assertThat(deployments()).extracting(DeploymentReported::cause).containsExactly(Cause.REAPPLY);
        assertThat(health("h2")).hasSize(3);
        assertThat(received(last(health("h2")))).containsOnlyNulls().hasSize(2);

        target.rxBytes = 2100L;
        intervals(1);

        assertThat(health("h2")).hasSize(4);
        assertThat(received(last(health("h2")))).containsOnly(clock.instant()).hasSize(2);
    }

    /** Applied, looked at, and bytes from every peer since: settled. */
    private void settledHosts() {
        target.rxBytes = 1000L;
        target.answersBriefly = true;
        rollOut(group.render(1));
        observer.observeDue(Runnable::run);
        target.rxBytes = 1500L;
        intervals(1);
    }

    @Test
    void aSettledHostIsOnlyAskedWhetherAnythingChangedUntilItsReportIsDue() {
        settledHosts();
        int fullLooks = target.fullLooks.get();
        int reports = health("h1").size();

        intervals(6); // 222 s: no report due

        assertThat(target.fullLooks.get()).isEqualTo(fullLooks);
        assertThat(target.briefLooks.get()).isEqualTo(3 * 6);
        assertThat(health("h1")).hasSize(reports);

        intervals(3); // 333 s since the last reports: one full look and a report each, then brief again

        assertThat(target.fullLooks.get()).isEqualTo(fullLooks + 3);
        assertThat(target.briefLooks.get()).isEqualTo(3 * 8);
        assertThat(health("h1")).hasSize(reports + 1);
        assertThat(last(health("h1")).links()).extracting(HostHealthReported.Link::state).containsOnly(LinkState.UP);
        assertThat(deployments()).isEmpty();
    }

    @Test
    void aHostChangedByHandIsSeenByABriefLookAndRepairedAtOnce() {
        settledHosts();
        published.clear();
        int fullLooks = target.fullLooks.get();
        target.running.put(group.host(1), target.running.get(group.host(2)));

        intervals(1);

        assertThat(health("h1")).extracting(HostHealthReported::drift).containsExactly(Drift.DRIFTED, Drift.IN_SYNC);
        assertThat(deployments()).singleElement().satisfies(report -> {
            assertThat(report.host().value()).isEqualTo("h1");
            assertThat(report.cause()).isEqualTo(Cause.DRIFT_REPAIR);
        });
        assertThat(target.fullLooks.get()).as("h1 before and after its repair").isEqualTo(fullLooks + 2);
    }

    @Test
    void aTunnelWithoutAFreshHandshakeIsSeenByABriefLookAndReported() {
        settledHosts();
        published.clear();
        target.handshakeAge = LinkStates.HANDSHAKE_WINDOW.toSeconds() + 20;

        intervals(1);

        assertThat(target.fullLooks.get()).isEqualTo(3 * 3);
        assertThat(health("h2")).singleElement().satisfies(health -> assertThat(health.links())
                .extracting(HostHealthReported.Link::state).containsOnly(LinkState.DOWN));

        intervals(1);

        assertThat(target.fullLooks.get()).as("not settled, so looked at in full").isEqualTo(3 * 4);
    }

    @Test
    void theFileTargetSeesNoTrafficToReport() {
        rollOut(group.render(1));
        observer.observeDue(Runnable::run);

        intervals(3);

        assertThat(observed).hasSize(12).allSatisfy(health -> {
            assertThat(health.links()).extracting(HostHealthReported.Link::state).containsOnly(LinkState.UNKNOWN);
            assertThat(received(health)).containsOnlyNulls();
        });
    }
}
