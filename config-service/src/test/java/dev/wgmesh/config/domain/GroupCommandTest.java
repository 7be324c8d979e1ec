package dev.wgmesh.config.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.config.domain.GroupCommand.Action;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GroupCommandTest {

    private static GroupCommand parse(String key, String value) {
        return GroupCommand.parse(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUpsertIsTheDefaultAndLosesTheCommandFields() {
        GroupCommand command = parse("lab", """
                {"hosts": [], "expectedRevision": 4, "requestId": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"}""");

        assertThat(command.action()).isEqualTo(Action.UPSERT);
        assertThat(command.problems()).isEmpty();
        assertThat(command.body().propertyNames()).containsExactly("hosts");
        assertThat(command.precondition()).isEqualTo(new Precondition("expectedRevision", "4", 4L));
        assertThat(command.requestId()).isEqualTo(UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
    }

    @Test
    void readsDeleteAndRotations() {
        assertThat(parse("lab", "{\"action\": \"delete\"}").action()).isEqualTo(Action.DELETE);
        assertThat(parse("lab", "{\"action\": \"rotate-group\"}").action()).isEqualTo(Action.ROTATE_GROUP);
        GroupCommand host = parse("lab", "{\"action\": \"rotate-host\", \"host\": \"h1\"}");
        assertThat(host.action()).isEqualTo(Action.ROTATE_HOST);
        assertThat(host.host()).isEqualTo(HostName.parse("h1"));
        assertThat(host.problems()).isEmpty();
    }

    @Test
    void listsEveryProblemWithQuotedValues() {
        GroupCommand command = parse("lab", """
                {"action": "rotate-host", "host": "bad host", "requestId": "r-1", "expectedRevision": -2, "hosts": []}""");

        assertThat(command.problems()).extracting(Problem::field, Problem::value).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("requestId", "\"r-1\""),
                org.assertj.core.groups.Tuple.tuple("expectedRevision", "-2"),
                org.assertj.core.groups.Tuple.tuple("hosts", null),
                org.assertj.core.groups.Tuple.tuple("host", "\"bad host\""));
    }

    @Test
    void forceLetsAnUpsertPastTheInterlockAndIsNoPartOfTheBody() {
        GroupCommand forced = parse("lab", "{\"force\": true, \"hosts\": []}");
        assertThat(forced.force()).isTrue();
        assertThat(forced.body().has("force")).isFalse();
        assertThat(GroupCommand.parse("lab", forced.toJson()).force()).isTrue();
        assertThat(parse("lab", "{\"hosts\": []}").force()).isFalse();
        assertThat(parse("lab", "{\"force\": \"yes\"}").problems()).extracting(Problem::field, Problem::value)
                .containsExactly(tuple("force", "\"yes\""));
    }

    @Test
    void anUnknownActionIsAProblem() {
        GroupCommand command = parse("lab", "{\"action\": \"explode\"}");
        assertThat(command.problems()).extracting(Problem::field, Problem::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("action", "\"explode\""));
    }

    @Test
    void aRotateHostNeedsTheHost() {
        assertThat(parse("lab", "{\"action\": \"rotate-host\"}").problems()).extracting(Problem::field).containsExactly("host");
    }

    @Test
    void jsonThatIsNoObjectIsAProblem() {
        assertThat(parse("lab", "[1, 2]").problems()).extracting(Problem::field, Problem::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("$", "[1,2]"));
    }

    @Test
    void unreadableRecordsAreInvalidEvents() {
        assertThatThrownBy(() -> parse("lab", "{not json")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> parse("Not_A_Group", "{}")).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("\"Not_A_Group\"");
        assertThatThrownBy(() -> parse(null, "{}")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> GroupCommand.parse("lab", null)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void anApiRequestGoesOnTheTopicAndComesBackTheSame() {
        var body = Fixtures.json("{\"name\": \"lab\", \"hosts\": [{\"name\": \"h1\", \"endpoint\": \"192.0.2.1:51820\"}]}");
        var id = java.util.UUID.randomUUID();
        var deadline = java.time.Instant.parse("2030-01-01T00:00:00Z");
        var sent = GroupCommand.of(dev.wgmesh.common.group.GroupName.parse("lab"), Action.UPSERT, body, null,
                new Precondition("If-Match", "\"*\"", null), Actor.api("127.0.0.1")).sent(id, deadline);

        GroupCommand back = GroupCommand.parseSigned("lab", sent.toJson());
        assertThat(back.problems()).isEmpty();
        assertThat(back.action()).isEqualTo(Action.UPSERT);
        assertThat(back.body()).isEqualTo(body);
        assertThat(back.requestId()).isEqualTo(id);
        assertThat(back.notAfter()).isEqualTo(deadline);
        assertThat(back.precondition().revision()).isNull();
        assertThat(back.actor()).isEqualTo(new Actor("api@127.0.0.1"));

        var rotate = GroupCommand.of(dev.wgmesh.common.group.GroupName.parse("lab"), Action.ROTATE_HOST, null,
                HostName.parse("h1"), new Precondition("If-Match", "\"4\"", 4L), Actor.api("::1")).sent(id, deadline);
        GroupCommand rotateBack = GroupCommand.parseSigned("lab", rotate.toJson());
        assertThat(rotateBack.problems()).isEmpty();
        assertThat(rotateBack.host()).isEqualTo(HostName.parse("h1"));
        assertThat(rotateBack.precondition().revision()).isEqualTo(4L);
        assertThat(rotateBack.actor()).isEqualTo(new Actor("api@::1"));
    }

    @Test
    void anUnsignedCommandIsTheAutomationPrincipalsWhateverActorItClaims() {
        GroupCommand claimed = parse("lab", "{\"action\": \"delete\", \"actor\": \"api@10.0.0.1\"}");

        assertThat(claimed.problems()).isEmpty();
        assertThat(claimed.actor()).isEqualTo(Actor.AUTOMATION);
        assertThatThrownBy(() -> GroupCommand.parseSigned("lab", "{\"action\": \"delete\", \"actor\": \"x\\ny\"}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidEventException.class).hasMessageContaining("actor");
    }
}
