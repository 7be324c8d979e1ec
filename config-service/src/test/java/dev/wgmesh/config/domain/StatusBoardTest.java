package dev.wgmesh.config.domain;

import static dev.wgmesh.common.events.DeploymentReported.Outcome.APPLIED;
import static dev.wgmesh.common.events.DeploymentReported.Outcome.FAILED;
import static dev.wgmesh.common.events.DeploymentReported.Outcome.REMOVED;
import static dev.wgmesh.config.domain.Fixtures.body;
import static dev.wgmesh.config.domain.Fixtures.keyed;
import static dev.wgmesh.config.domain.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.config.domain.GroupStatus.HostStatus;
import dev.wgmesh.config.domain.GroupStatus.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class StatusBoardTest {

    private static final GroupName GROUP = GroupName.parse("lab");

    private final Owner service = new Owner();
    private final StatusBoard board = new StatusBoard(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));

    @Test
    void theStatusTellsWhenTheScheduleRotatesEachKeyPairAndThePresharedKeys() {
        ObjectNode body = (ObjectNode) body("h1", "h2");
        body.set("keyRotation", Fixtures.json("{\"hostKeyMaxAge\": \"P180D\", \"presharedKeyMaxAge\": \"P30D\"}"));
        HostGroupChanged v1 = service.upsert(GROUP, body, null).change();
        HostGroupKeysGenerated keyed = keyed(v1, null);
        board.keysGenerated(keyed);

        GroupStatus status = board.status(v1);
        assertThat(status.hosts()).extracting(HostStatus::nextKeyRotationAt)
                .containsOnly(Fixtures.KEYS_MADE.plus(Duration.ofDays(180)));
        assertThat(status.presharedKeysCreatedAt()).isEqualTo(keyed.presharedKeySeedCreatedAt());
        assertThat(status.nextPresharedKeyRotationAt()).isEqualTo(keyed.presharedKeySeedCreatedAt().plus(Duration.ofDays(30)));

        // without a schedule nothing is ever next
        HostGroupChanged v2 = service.upsert(GROUP, body("h1", "h2"), null).change();
        board.keysGenerated(keyed(v2, keyed));
        assertThat(board.status(v2).hosts()).extracting(HostStatus::nextKeyRotationAt).containsOnlyNulls();
        assertThat(board.status(v2).nextPresharedKeyRotationAt()).isNull();
    }

    @Test
    void eachHostsExpectedPeersAreInNameOrderWhateverTheOrderOfTheGroup() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h3", "h1", "h2"), null).change();
        board.keysGenerated(keyed(v1, null));

        Map<HostName, StatusBoard.Expected> expected = board.expected(GROUP);
        assertThat(expected.get(HostName.parse("h2")).peers()).containsExactly(HostName.parse("h1"), HostName.parse("h3"));
        assertThat(expected.get(HostName.parse("h3")).peers()).containsExactly(HostName.parse("h1"), HostName.parse("h2"));
    }

    @Test
    void hostsArePendingUntilTheyReportTheDesiredFiles() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        assertThat(board.status(v1).hosts()).extracting(HostStatus::state).containsOnly(State.PENDING);

        Map<String, String> hashes = hashes(keyed(v1, null), board);
        board.reported(report(GROUP, "h1", 1, APPLIED, hashes.get("h1")));
        GroupStatus partly = board.status(v1);
        assertThat(partly.converged()).isFalse();
        assertThat(board.converged(v1, null)).isFalse();
        assertThat(state(partly, "h1")).isEqualTo(State.APPLIED);
        assertThat(state(partly, "h2")).isEqualTo(State.PENDING);

        board.reported(report(GROUP, "h2", 1, APPLIED, hashes.get("h2")));
        GroupStatus all = board.status(v1);
        assertThat(all.converged()).isTrue();
        assertThat(board.converged(v1, null)).isTrue();
        assertThat(all.hosts().get(1)).isEqualTo(new HostStatus("h2", 1L, 1L, State.APPLIED, null, "replica-1", hashes.get("h2"),
                Fixtures.KEYS_MADE, 86_400L, null));
    }

    @Test
    void aHostWhoseFilesDidNotChangeStaysCurrent() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        HostGroupKeysGenerated k1 = keyed(v1, null);
        Map<String, String> first = hashes(k1, board);
        board.reported(report(GROUP, "h1", 1, APPLIED, first.get("h1")));
        board.reported(report(GROUP, "h2", 1, APPLIED, first.get("h2")));

        // h3 joins: h1 gets a new peer, h2 too (hoster: h2 owns a network now), h3 is new
        HostGroupChanged v2 = service.upsert(GROUP, body("h1", "h2", "h3"), null).change();
        assertThat(converged(v2)).isFalse();
        HostGroupKeysGenerated k2 = keyed(v2, k1);
        Map<String, String> second = hashes(k2, board);
        board.reported(report(GROUP, "h1", 2, APPLIED, second.get("h1")));
        board.reported(report(GROUP, "h2", 2, APPLIED, second.get("h2")));
        board.reported(report(GROUP, "h3", 2, APPLIED, second.get("h3")));
        assertThat(converged(v2)).isTrue();

        // h3 moves to FreeBSD, which changes only h3's files: h1 stays APPLIED at desiredRevision 2
        ObjectNode moved = (ObjectNode) body("h1", "h2", "h3");
        ((ObjectNode) moved.get("hosts").get(2)).put("os", "freebsd");
        HostGroupChanged v3 = service.upsert(GROUP, moved, null).change();
        Map<String, String> third = hashes(keyed(v3, k2), board);
        GroupStatus status = board.status(v3);
        HostStatus h1 = status.hosts().get(0);
        assertThat(third.get("h1")).isEqualTo(second.get("h1")).isNotEqualTo(first.get("h1"));
        assertThat(h1.desiredRevision()).isEqualTo(2);
        assertThat(h1.state()).isEqualTo(State.APPLIED);
        assertThat(state(status, "h2")).isEqualTo(State.APPLIED);
        assertThat(state(status, "h3")).isEqualTo(State.PENDING);
        assertThat(status.hosts().get(2).desiredRevision()).isEqualTo(3);
        assertThat(status.converged()).isFalse();
    }

    @Test
    void afterARollbackAReportOfAnEarlierRevisionDoesNotCountEvenWithTheSameFiles() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        HostGroupKeysGenerated k1 = keyed(v1, null);
        Map<String, String> first = hashes(k1, board);
        board.reported(report(GROUP, "h1", 1, APPLIED, first.get("h1")));
        board.reported(report(GROUP, "h2", 1, APPLIED, first.get("h2")));

        // the rollback brings back the files of revision 1; h1 may still be applying the rolled-back revision
        HostGroupChanged v2 = service.upsert(GROUP, body("h1", "h2"), null).change();
        HostGroupKeysGenerated plain = keyed(v2, k1);
        HostGroupKeysGenerated rollback = new HostGroupKeysGenerated(plain.eventId(), plain.group(), plain.revision(),
                plain.occurredAt(), plain.correlationId(), ChangeCause.ROLLBACK, plain.spec(), plain.hosts(),
                plain.presharedKeySeed(), plain.presharedKeySeedCreatedAt());
        Map<String, String> second = hashes(rollback, board);
        assertThat(second).isEqualTo(first);
        GroupStatus waiting = board.status(v2);
        assertThat(waiting.converged()).isFalse();
        assertThat(waiting.hosts()).extracting(HostStatus::state).containsOnly(State.PENDING);
        assertThat(waiting.hosts()).extracting(HostStatus::desiredRevision).containsOnly(2L);

        board.reported(report(GROUP, "h1", 2, APPLIED, second.get("h1")));
        board.reported(report(GROUP, "h2", 2, APPLIED, second.get("h2")));
        assertThat(converged(v2)).isTrue();
    }

    @Test
    void aFailureForTheDesiredFilesIsReportedWithItsReason() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        Map<String, String> hashes = hashes(keyed(v1, null), board);
        board.reported(report(GROUP, "h1", 1, FAILED, hashes.get("h1")));
        board.reported(report(GROUP, "h2", 0, FAILED, "sha256:old"));

        GroupStatus status = board.status(v1);
        assertThat(status.hosts().get(0).state()).isEqualTo(State.FAILED);
        assertThat(status.hosts().get(0).reason()).isEqualTo("wg-quick failed");
        assertThat(status.hosts().get(1).state()).isEqualTo(State.PENDING);
        assertThat(status.hosts().get(1).reason()).isNull();
    }

    @Test
    void notConvergedWhileTheLatestRevisionIsNotKeyed() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1"), null).change();
        Map<String, String> hashes = hashes(keyed(v1, null), board);
        board.reported(report(GROUP, "h1", 1, APPLIED, hashes.get("h1")));
        assertThat(converged(v1)).isTrue();

        HostGroupChanged v2 = service.rotateGroup(GROUP, null).change();
        assertThat(converged(v2)).isFalse();
        assertThat(board.status(v2).hosts().get(0).state()).isEqualTo(State.APPLIED);
    }

    @Test
    void anOlderReportDoesNotReplaceANewerOne() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1"), null).change();
        Map<String, String> hashes = hashes(keyed(v1, null), board);
        board.reported(report(GROUP, "h1", 1, APPLIED, hashes.get("h1")));
        board.reported(report(GROUP, "h1", 0, FAILED, "sha256:old"));

        assertThat(board.status(v1).hosts().get(0).state()).isEqualTo(State.APPLIED);
    }

    /** Feeds the keyed group to the board and returns every host's desired hash. */
    @Test
    void aDeletedGroupLeavesNoStatusBehind() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        Map<String, String> hashes = hashes(keyed(v1, null), board);
        board.reported(report(GROUP, "h1", 1, APPLIED, hashes.get("h1")));
        board.reported(report(GROUP, "h2", 1, FAILED, hashes.get("h2")));

        HostGroupChanged deleted = service.delete(GROUP, null).change();
        board.keysGenerated(new HostGroupKeysGenerated(UUID.randomUUID(), GROUP, deleted.revision(), Instant.now(),
                deleted.correlationId(), ChangeCause.DELETE, null, List.of(), null));
        // a deployer's report of the removal comes after keygen's record
        board.reported(report(GROUP, "h1", 2, REMOVED, null));

        assertThat(board.keyed(GROUP)).isEmpty();
        assertThat(board.latestReport(GROUP, HostName.parse("h1"))).isEmpty();
        assertThat(board.latestReport(GROUP, HostName.parse("h2"))).isEmpty();
        HostGroupChanged again = service.upsert(GROUP, body("h1", "h2"), null).change();
        assertThat(board.status(again).hosts()).as("made again, nothing of the old group shows")
                .containsExactly(new HostStatus("h1", null, null, State.PENDING, null, null, null, null, null, null),
                        new HostStatus("h2", null, null, State.PENDING, null, null, null, null, null, null));
    }

    @Test
    void aHostsRemovalLeavesNoReportOfIt() {
        HostGroupChanged v1 = service.upsert(GROUP, body("h1", "h2"), null).change();
        Map<String, String> hashes = hashes(keyed(v1, null), board);
        board.reported(report(GROUP, "h2", 1, APPLIED, hashes.get("h2")));

        board.reported(report(GROUP, "h2", 2, REMOVED, null));

        assertThat(board.latestReport(GROUP, HostName.parse("h2"))).isEmpty();
    }

    private static Map<String, String> hashes(HostGroupKeysGenerated keyed, StatusBoard board) {
        board.keysGenerated(keyed);
        return GroupRenderer.render(keyed).values().stream()
                .collect(Collectors.toMap(f -> f.host().value(), HostFiles::contentHash));
    }

    private static State state(GroupStatus status, String host) {
        return status.hosts().stream().filter(h -> h.host().equals(host)).findFirst().orElseThrow().state();
    }

    /** The status's answer, which the board's cheaper one must equal. */
    private boolean converged(HostGroupChanged group) {
        boolean converged = board.status(group).converged();
        assertThat(board.converged(group, null)).as("converged at revision %d", group.revision()).isEqualTo(converged);
        return converged;
    }
}
