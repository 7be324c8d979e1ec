package dev.wgmesh.config.domain;

import static dev.wgmesh.config.domain.Fixtures.body;
import static dev.wgmesh.config.domain.Fixtures.json;
import static dev.wgmesh.config.domain.Fixtures.slots;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class GroupServiceTest {

    private static final GroupName GROUP = GroupName.parse("lab");

    private final Owner service = new Owner();
    private final List<HostGroupChanged> published = service.published;
    private final GroupStore store = service.store;

    @Test
    void createsThenReplacesWithRisingRevisions() {
        Accepted created = service.upsert(GROUP, body("h1", "h2"), null);
        Accepted replaced = service.upsert(GROUP, body("h1", "h2", "h3"), null);

        assertThat(created.created()).isTrue();
        assertThat(created.change().revision()).isEqualTo(1);
        assertThat(created.change().correlationId()).isEqualTo(created.change().eventId());
        assertThat(replaced.created()).isFalse();
        assertThat(replaced.change().revision()).isEqualTo(2);
        assertThat(replaced.change().cause()).isEqualTo(ChangeCause.UPSERT);
        assertThat(published).extracting(HostGroupChanged::revision).containsExactly(1L, 2L);
        assertThat(service.get(GROUP).spec().hosts()).hasSize(3);
    }

    @Test
    void hostsKeepTheirSlotsAndNewHostsAreAppended() {
        service.upsert(GROUP, body("h1", "h2", "h3"), null);
        // h2 leaves, the rest is reordered, h4 and h5 join (a third of the hosts: forced past the interlock)
        Accepted next = service.upsert(GROUP, body("h4", "h3", "h1", "h5"), null, true);

        assertThat(slots(next.change())).isEqualTo(Map.of("h1", 1, "h3", 3, "h4", 4, "h5", 5));
        assertThat(next.change().spec().hosts()).extracting(h -> h.name().value()).containsExactly("h1", "h3", "h4", "h5");
    }

    @Test
    void slotsStartAtOneAfterTheLastHostsLeft() {
        service.upsert(GROUP, body("h1", "h2", "h3"), null);
        Accepted next = service.upsert(GROUP, body("h2", "h9"), null, true);

        assertThat(slots(next.change())).isEqualTo(Map.of("h2", 2, "h9", 4));
    }

    @Test
    void ifMatchMustNameTheCurrentRevision() {
        service.upsert(GROUP, body("h1", "h2"), null);
        service.upsert(GROUP, body("h1", "h2"), new Precondition("If-Match", "\"1\"", 1L));

        assertThatThrownBy(() -> service.upsert(GROUP, body("h1"), new Precondition("If-Match", "\"1\"", 1L)))
                .asInstanceOf(type(RequestRejected.class))
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(412);
                    assertThat(r.revision()).isEqualTo(2);
                    assertThat(r.problems()).extracting(Problem::field, Problem::value).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("If-Match", "\"1\""));
                });
        assertThat(published).hasSize(2);
    }

    @Test
    void ifMatchOnAGroupThatDoesNotExistFails() {
        assertThatThrownBy(() -> service.upsert(GROUP, body("h1"), new Precondition("If-Match", "\"*\"", null)))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(412);
        assertThat(published).isEmpty();
    }

    @Test
    void collectsEveryProblemAndPublishesNothing() {
        var bad = json("""
                {"name": "other", "mtu": 99, "hosts": [
                  {"name": "h1", "endpoint": "192.0.2.1", "tunnelSegment": "198.19.1.1/24"},
                  {"hostname": "h2", "api_address": "x", "auth_password": "secret",
                   "wg": {"net_segment": "198.19.2.1", "net_mask": 24, "endpoint_address": "192.0.2.2",
                          "endpoint_port": 70000, "allowed_subnets": ["10.10.2.1/24"]}}]}""");

        assertThatThrownBy(() -> service.upsert(GROUP, bad, null))
                .asInstanceOf(type(RequestRejected.class))
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.problems()).extracting(Problem::field).contains("name", "mtu", "hosts[0].endpoint",
                            "hosts[1].wg.endpoint_port", "hosts[1].wg.allowed_subnets[0]");
                    assertThat(r.problems()).extracting(Problem::value).contains("\"other\"", "99", "\"10.10.2.1/24\"");
                });
        assertThat(published).isEmpty();
        assertThat(store.latest(GROUP)).isEmpty();
    }

    @Test
    void layoutProblemsAreFoundAfterSlotsAreAssigned() {
        var overlapping = json("""
                {"hosts": [
                  {"name": "h1", "endpoint": "192.0.2.1:51820", "tunnelSegment": "198.19.1.1/24"},
                  {"name": "h2", "endpoint": "192.0.2.2:51820", "tunnelSegment": "198.19.1.100/24"}]}""");

        assertThatThrownBy(() -> service.upsert(GROUP, overlapping, null))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(400);
        assertThat(published).isEmpty();
    }

    @Test
    void decidingChangesNothingUntilTheChangeIsPublished() {
        service.upsert(GROUP, body("h1", "h2"), null);

        Accepted first = service.decider.upsert(GROUP, body("h1", "h2", "h3"), null, false);
        Accepted second = service.decider.rotateGroup(GROUP, null);

        assertThat(first.change().revision()).isEqualTo(2);
        assertThat(second.change().revision()).isEqualTo(2);
        assertThat(service.get(GROUP).revision()).isEqualTo(1);
        assertThat(published).hasSize(1);
    }

    @Test
    void aRequestAfterItsDeadlineIsRefused() {
        var late = GroupCommand.parse("lab", """
                {"hosts": %s, "notAfter": "2001-01-01T00:00:00Z"}""".formatted(body("h1").get("hosts")).getBytes());

        assertThatThrownBy(() -> service.execute(late)).asInstanceOf(type(RequestRejected.class))
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(503);
                    assertThat(r.problems()).extracting(Problem::field).containsExactly("notAfter");
                });
        assertThat(published).isEmpty();
    }

    @Test
    void anyRevisionNeedsAnExistingGroup() {
        var any = GroupCommand.parse("lab", """
                {"action": "rotate-group", "expectedRevision": "*"}""".getBytes());
        assertThatThrownBy(() -> service.execute(any)).asInstanceOf(type(RequestRejected.class))
                .extracting(RequestRejected::status).isEqualTo(404);

        service.upsert(GROUP, body("h1"), null);
        assertThat(service.execute(any).change().revision()).isEqualTo(2);
    }

    @Test
    void deleteKeepsTheRevisionSequence() {
        service.upsert(GROUP, body("h1", "h2"), null);
        Accepted deleted = service.delete(GROUP, null);
        assertThat(deleted.change().cause()).isEqualTo(ChangeCause.DELETE);
        assertThat(deleted.change().spec()).isNull();
        assertThat(deleted.change().revision()).isEqualTo(2);

        assertThatThrownBy(() -> service.get(GROUP)).asInstanceOf(type(RequestRejected.class))
                .extracting(RequestRejected::status).isEqualTo(404);
        assertThatThrownBy(() -> service.delete(GROUP, null)).asInstanceOf(type(RequestRejected.class))
                .extracting(RequestRejected::status).isEqualTo(404);

        Accepted again = service.upsert(GROUP, body("h5", "h1"), null);
        assertThat(again.created()).isTrue();
        assertThat(again.change().revision()).isEqualTo(3);
        assertThat(slots(again.change())).isEqualTo(Map.of("h5", 1, "h1", 2));
    }

    @Test
    void rotatesAHostOrTheGroup() {
        service.upsert(GROUP, body("h1", "h2"), null);

        Accepted host = service.rotateHost(GROUP, HostName.parse("h2"), null);
        Accepted group = service.rotateGroup(GROUP, null);

        assertThat(host.change().cause()).isEqualTo(ChangeCause.ROTATE_HOST);
        assertThat(host.change().rotatedHost()).isEqualTo(HostName.parse("h2"));
        assertThat(host.change().spec()).isEqualTo(group.change().spec());
        assertThat(group.change().cause()).isEqualTo(ChangeCause.ROTATE_GROUP);
        assertThat(group.change().revision()).isEqualTo(3);
        assertThatThrownBy(() -> service.rotateHost(GROUP, HostName.parse("h7"), null))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(404);
        assertThatThrownBy(() -> service.rotateGroup(GroupName.parse("nope"), null))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(404);
    }

    @Test
    void aChangeThatRemovesMoreThanAThirdOfTheHostsOrTunnelsIsHeldBackUnlessForced() {
        service.upsert(GROUP, body("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10"), null);

        // one host of ten: 10% of the hosts, 9 of 45 tunnels (20%)
        assertThat(service.upsert(GROUP, body("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9"), null)
                .change().revision()).isEqualTo(2);
        // two more of nine: 22% of the hosts but 15 of 36 tunnels (42%)
        assertThatThrownBy(() -> service.upsert(GROUP, body("h1", "h2", "h3", "h4", "h5", "h6", "h7"), null))
                .asInstanceOf(type(RequestRejected.class)).satisfies(rejected -> {
                    assertThat(rejected.status()).isEqualTo(409);
                    assertThat(rejected.problems()).extracting(Problem::message).containsExactly(
                            "the change removes 15 of the group's 36 tunnels (42%), more than 30%; check it with"
                                    + " POST .../plan, then send it again with ?force=true to apply it");
                });
        assertThat(service.get(GROUP).revision()).isEqualTo(2);

        assertThat(service.upsert(GROUP, body("h1", "h2", "h3", "h4", "h5", "h6", "h7"), null, true)
                .change().revision()).isEqualTo(3);
    }

    @Test
    void aPlanSaysWhatAPutWouldDoAndPublishesNothing() {
        service.upsert(GROUP, body("h1", "h2", "h3", "h4"), null);

        ChangePlan plan = service.decider.plan(GROUP, body("h1", "h2", "h3", "h5"), null);

        assertThat(plan.revision()).isEqualTo(2);
        assertThat(plan.created()).isFalse();
        assertThat(plan.hostsAdded()).containsExactly(HostName.parse("h5"));
        assertThat(plan.hostsRemoved()).containsExactly(HostName.parse("h4"));
        assertThat(plan.keysRotated()).containsExactly(HostName.parse("h5"));
        assertThat(plan.links()).satisfies(links -> {
            assertThat(links.before()).isEqualTo(6);
            assertThat(links.after()).isEqualTo(6);
            assertThat(links.added()).isEqualTo(3);
            assertThat(links.removed()).isEqualTo(3);
            assertThat(links.removedList()).containsExactly(
                    new ChangePlan.Link(HostName.parse("h1"), HostName.parse("h4")),
                    new ChangePlan.Link(HostName.parse("h2"), HostName.parse("h4")),
                    new ChangePlan.Link(HostName.parse("h3"), HostName.parse("h4")));
        });
        assertThat(plan.blastRadius().exceeded()).isTrue();
        assertThat(service.get(GROUP).revision()).isEqualTo(1);

        // h1's endpoint moves: every other host dials it on the one interface to h1's network, nothing else changes
        JsonNode moved = body("h1", "h2", "h3", "h4");
        ((ObjectNode) moved.get("hosts").get(0)).put("endpoint", "192.0.2.99:51820");
        ChangePlan move = service.decider.plan(GROUP, moved, null);
        assertThat(move.hostsChanged()).extracting(change -> change.host().value()).containsExactly("h2", "h3", "h4");
        assertThat(move.hostsChanged()).allSatisfy(change -> {
            assertThat(change.interfacesChanged()).hasSize(1);
            assertThat(change.interfacesAdded()).isEmpty();
            assertThat(change.interfacesRemoved()).isEmpty();
        });
        assertThat(move.links().added() + move.links().removed()).isZero();
        assertThat(move.blastRadius().exceeded()).isFalse();

        assertThatThrownBy(() -> service.decider.plan(GROUP, json("{\"hosts\": 7}"), null))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(400);
    }

    @Test
    void rotatingThePresharedKeysKeepsTheSpecAndNeedsAGroupThatUsesThem() {
        service.upsert(GROUP, body("h1", "h2"), null);

        HostGroupChanged rotated = service.execute(GroupCommand.parse("lab",
                "{\"action\": \"rotate-preshared-keys\"}".getBytes())).change();

        assertThat(rotated.cause()).isEqualTo(ChangeCause.ROTATE_PRESHARED_KEYS);
        assertThat(rotated.spec()).isEqualTo(service.get(GROUP).spec());
        JsonNode without = body("h1", "h2");
        ((ObjectNode) without).put("presharedKeys", false);
        service.upsert(GROUP, without, null);
        assertThatThrownBy(() -> service.decider.rotatePresharedKeys(GROUP, null))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(409);
    }

    @Test
    void aRevokedHostLeavesTheGroupAndStaysOutUntilDeclaredAgain() {
        service.upsert(GROUP, body("h1", "h2", "h3"), null);

        HostGroupChanged revoked = service.execute(GroupCommand.parse("lab",
                "{\"action\": \"revoke\", \"host\": \"h2\"}".getBytes())).change();

        assertThat(revoked.cause()).isEqualTo(ChangeCause.REVOKE);
        assertThat(revoked.spec().hosts()).extracting(h -> h.name().value()).containsExactly("h1", "h3");
        assertThat(revoked.revoked()).containsExactly(HostName.parse("h2"));
        // other changes keep it out
        assertThat(service.rotateGroup(GROUP, null).change().revoked()).containsExactly(HostName.parse("h2"));
        assertThat(service.upsert(GROUP, body("h1", "h3"), null).change().revoked()).containsExactly(HostName.parse("h2"));
        // declared again, it is back
        HostGroupChanged back = service.upsert(GROUP, body("h1", "h2", "h3"), null).change();
        assertThat(back.revoked()).isEmpty();
        assertThat(back.spec().host(HostName.parse("h2"))).isPresent();

        assertThatThrownBy(() -> service.decider.revoke(GROUP, HostName.parse("h9"), null))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(404);
        service.upsert(GroupName.parse("one"), body("h1"), null);
        assertThatThrownBy(() -> service.decider.revoke(GroupName.parse("one"), HostName.parse("h1"), null))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(409);
    }

    @Test
    void aGetBodyCanBePutBack() {
        service.upsert(GROUP, body("h1"), null);
        var getBody = json("""
                {"name": "lab", "revision": 1, "topology": "hoster", "presharedKeys": true, "hosts": [
                  {"name": "h1", "endpoint": "192.0.2.1:51820", "internalNetworks": ["10.10.1.0/24"],
                   "tunnelSegment": "198.19.1.1/24", "os": "linux"}]}""");

        assertThat(service.upsert(GROUP, getBody, null).change().revision()).isEqualTo(2);
    }

    @Test
    void commandsTakeTheSamePath() {
        var created = service.execute(GroupCommand.parse("lab", """
                {"hosts": %s, "requestId": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"}"""
                .formatted(body("h1", "h2").get("hosts")).getBytes()));
        assertThat(created.change().revision()).isEqualTo(1);

        assertThatThrownBy(() -> service.execute(GroupCommand.parse("lab", """
                {"action": "rotate-host", "host": "h3"}""".getBytes())))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(404);
        assertThatThrownBy(() -> service.execute(GroupCommand.parse("lab", """
                {"action": "delete", "expectedRevision": 7}""".getBytes())))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(412);
        assertThat(service.execute(GroupCommand.parse("lab", """
                {"action": "delete", "expectedRevision": 1}""".getBytes())).change().deleted()).isTrue();
    }

    @Test
    void aNewGroupBeyondMaxGroupsIsRefusedNamingTheLimitAndTheCount() {
        Owner owner = new Owner(new Quotas(2, 20_000, 60));
        owner.upsert(GroupName.parse("a"), body("h1"), null);
        owner.upsert(GroupName.parse("b"), body("h1"), null);

        assertThatThrownBy(() -> owner.upsert(GroupName.parse("c"), body("h1"), null))
                .asInstanceOf(type(RequestRejected.class)).satisfies(rejected -> {
                    assertThat(rejected.status()).isEqualTo(409);
                    assertThat(rejected.title()).isEqualTo("Quota exceeded");
                    Problem problem = rejected.problems().get(0);
                    assertThat(problem.field()).isEqualTo("group");
                    assertThat(problem.value()).isEqualTo("\"c\"");
                    assertThat(problem.message()).contains("2 groups", "wgmesh.max-groups allows 2");
                });
        assertThat(owner.published).hasSize(2);
        // an existing group may still change, and a deleted one frees its place
        assertThat(owner.upsert(GroupName.parse("b"), body("h1", "h2"), null).change().revision()).isEqualTo(2);
        owner.delete(GroupName.parse("a"), null);
        assertThat(owner.upsert(GroupName.parse("c"), body("h1"), null).created()).isTrue();
    }

    @Test
    void hostsBeyondMaxHostsTotalAreRefusedNamingTheLimitAndTheNumbers() {
        Owner owner = new Owner(new Quotas(1000, 5, 60));
        owner.upsert(GroupName.parse("a"), body("h1", "h2", "h3"), null);

        assertThatThrownBy(() -> owner.upsert(GroupName.parse("b"), body("h1", "h2", "h3"), null))
                .asInstanceOf(type(RequestRejected.class)).satisfies(rejected -> {
                    assertThat(rejected.status()).isEqualTo(409);
                    Problem problem = rejected.problems().get(0);
                    assertThat(problem.field()).isEqualTo("hosts");
                    assertThat(problem.message()).contains("3 hosts", "other groups' 3", "would make 6", "5",
                            "wgmesh.max-hosts-total");
                });
        owner.upsert(GroupName.parse("b"), body("h1", "h2"), null);
        // a group's own hosts count once: replacing it with as many hosts fits, growing it does not
        owner.upsert(GroupName.parse("a"), body("h1", "h2", "h3"), null);
        assertThatThrownBy(() -> owner.upsert(GroupName.parse("a"), body("h1", "h2", "h3", "h4"), null))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::status).isEqualTo(409);
        assertThat(owner.store.currentGroups()).extracting(c -> c.spec().hosts().size()).containsExactly(3, 2);
    }

    /** Changes decided earlier in the same transaction are not in the store yet, and count in the quotas all the same. */
    @Test
    void changesDecidedBeforeInTheSameTransactionCountInTheQuotas() {
        Owner owner = new Owner(new Quotas(2, 5, 60));
        owner.upsert(GroupName.parse("a"), body("h1", "h2"), null);
        HostGroupChanged b = owner.decider.decide(upsert("b", "h1", "h2")).change();
        assertThat(owner.store.current(GroupName.parse("b"))).as("not published yet").isEmpty();

        assertThatThrownBy(() -> owner.decider.decide(upsert("c", "h1"), List.of(b)))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::problems)
                .satisfies(problems -> assertThat(problems.get(0).message()).contains("2 groups"));
        assertThatThrownBy(() -> owner.decider.decide(upsert("a", "h1", "h2", "h3", "h4"), List.of(b)))
                .asInstanceOf(type(RequestRejected.class)).extracting(RequestRejected::problems)
                .satisfies(problems -> assertThat(problems.get(0).message()).contains("other groups' 2", "would make 6"));
        // a delete decided before frees its place
        HostGroupChanged aDeleted = owner.decider.delete(GroupName.parse("a"), null).change();
        assertThat(owner.decider.decide(upsert("c", "h1"), List.of(b, aDeleted)).created()).isTrue();
    }

    private static GroupCommand upsert(String group, String... hosts) {
        return GroupCommand.of(GroupName.parse(group), GroupCommand.Action.UPSERT, body(hosts), null, null, Actor.AUTOMATION);
    }
}
