package dev.wgmesh.config.domain;

import static dev.wgmesh.config.domain.Fixtures.body;
import static dev.wgmesh.config.domain.Fixtures.keyed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.UntrustedRecordException;
import dev.wgmesh.config.domain.GroupHealth.HostHealth;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HealthBoardTest {

    private static final GroupName GROUP = GroupName.parse("lab");

    private final Owner service = new Owner();
    private final StatusBoard status = new StatusBoard(Clock.systemUTC());
    private final HealthBoard health = new HealthBoard();

    @Test
    void theFileTargetsUnknownLinksAreHealthyWhenInSync() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        status.keysGenerated(keyed(v1, null));
        health.reported(report("h1", 1, LinkState.UNKNOWN, "h2"));
        health.reported(report("h2", 1, LinkState.UNKNOWN, "h1"));

        GroupHealth group = health.health(v1, status.expected(GROUP));

        assertThat(group.healthy()).isTrue();
        assertThat(group.links()).isEqualTo(new GroupHealth.Links(0, 2));
    }

    @Test
    void aReportOfAHostThatLeftAndCameBackDoesNotCount() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        HostGroupKeysGenerated k1 = keyed(v1, null);
        status.keysGenerated(k1);
        health.reported(report("h1", 1, LinkState.UP, "h2"));
        health.reported(report("h2", 1, LinkState.UP, "h1"));
        assertThat(health.health(v1, status.expected(GROUP)).healthy()).isTrue();

        HostGroupChanged v2 = service.upsert(GROUP, body("h1"), null, true).change();
        HostGroupKeysGenerated k2 = keyed(v2, k1);
        status.keysGenerated(k2);
        HostGroupChanged v3 = service.upsert(GROUP, body("h1", "h2"), null).change();
        status.keysGenerated(keyed(v3, k2));

        GroupHealth back = health.health(v3, status.expected(GROUP));
        assertThat(back.healthy()).isFalse();
        assertThat(back.hosts()).extracting(HostHealth::drift).containsExactly("IN_SYNC", "UNKNOWN");
        // h1's report still names h2 as a peer, but h2's new incarnation has not been observed
        assertThat(back.links()).isEqualTo(new GroupHealth.Links(1, 2));

        health.forgetGroup(GROUP);
        assertThat(health.health(v3, status.expected(GROUP)).hosts()).extracting(HostHealth::drift)
                .containsOnly("UNKNOWN");
    }

    @Test
    void anObservationIsReadWhenItsHealthIsFirstAskedForAndOnlyThen() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        status.keysGenerated(keyed(v1, null));
        AtomicInteger reads = new AtomicInteger();
        health.reported("lab/h1", 1, counted(reads, report("h1", 1, LinkState.UNKNOWN, "h2")));
        // replaced before anyone asked: never read
        health.reported("lab/h2", 1, counted(reads, report("h2", 1, LinkState.UNKNOWN, "h1")));
        health.reported("lab/h2", 2, counted(reads, report("h2", 2, LinkState.UNKNOWN, "h1")));
        // an older revision than the known one is not kept, so not read either
        health.reported("lab/h1", 0, counted(reads, report("h1", 0, LinkState.DOWN, "h2")));
        assertThat(reads).hasValue(0);

        assertThat(health.health(v1, status.expected(GROUP)).healthy()).isTrue();
        health.health(v1, status.expected(GROUP));
        assertThat(health.report(GROUP, HostName.parse("h2"))).map(HostHealthReported::revision).hasValue(2L);

        assertThat(reads).hasValue(2);
    }

    @Test
    void anObservationThatDoesNotReadCountsAsNotObserved() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        status.keysGenerated(keyed(v1, null));
        health.reported(report("h1", 1, LinkState.UNKNOWN, "h2"));
        health.reported("lab/h2", 1, () -> {
            throw new UntrustedRecordException("the record key 'lab/h2' is not the event's 'lab/h1'");
        });

        GroupHealth group = health.health(v1, status.expected(GROUP));

        assertThat(group.healthy()).isFalse();
        assertThat(group.hosts()).extracting(HostHealth::drift).containsExactly("IN_SYNC", "UNKNOWN");
        assertThat(health.report(GROUP, HostName.parse("h2"))).isEmpty();
    }

    private static Supplier<HostHealthReported> counted(AtomicInteger reads, HostHealthReported report) {
        return () -> {
            reads.incrementAndGet();
            return report;
        };
    }

    private static HostHealthReported report(String host, long revision, LinkState state, String peer) {
        return new HostHealthReported(UUID.randomUUID(), GROUP, revision, Instant.now(), UUID.randomUUID(),
                HostName.parse(host), "replica-1", Instant.now(), Drift.IN_SYNC, List.of(),
                List.of(new Link(HostName.parse(peer), state, null, 0, 0, null)));
    }
}
