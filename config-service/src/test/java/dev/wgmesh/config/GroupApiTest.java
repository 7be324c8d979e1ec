package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupChangeRejected;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostReapplyRequested;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.config.domain.Fixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "wgmesh.config.max-body-bytes=65536", "wgmesh.api.insecure-no-auth=true"})
class GroupApiTest {

    private static final RecordSigner DEPLOYER = TestTrust.signer(Signer.DEPLOYER);

    /** Three hosts as the Hoster Command Center exports them, with fields wgmesh ignores. */
    static final String HOSTER_GROUP = """
            {"hosts": [%s, %s, %s]}""".formatted(hoster("zima-0101", 1), hoster("zima-0102", 2), hoster("zima-0103", 3));

    static String hoster(String name, int n) {
        return """
                {"hostname": "hoster-%s", "api_address": "hoster-%s", "ssh_port": 22, "http_port": 3000,
                 "auth_user": "admin", "auth_password": "123456", "enabled": true,
                 "wg": {"net_segment": "198.19.%d.10", "net_mask": 24, "endpoint_address": "192.168.8.%d",
                        "endpoint_port": 51821, "allowed_subnets": ["10.10.%d.0/24"], "interface_suffix": "%s"},
                 "created_at": 1715104029, "updated_at": 1715104030}""".formatted(name, name, n, 160 + n, 100 + n, name);
    }

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    TestHttp http;
    TestKafka kafka;

    @BeforeEach
    void clients() {
        http = new TestHttp(port);
        kafka = new TestKafka(brokers);
    }

    @Test
    void hosterRecordsBecomeAGroupOnTheChangedTopic() throws Exception {
        var created = http.put("/api/v1/groups/hoster-lab", HOSTER_GROUP);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.etag()).isEqualTo("\"1\"");
        JsonNode group = created.json();
        assertThat(group.get("name").stringValue()).isEqualTo("hoster-lab");
        assertThat(group.get("revision").intValue()).isEqualTo(1);
        assertThat(group.get("topology").stringValue()).isEqualTo("hoster");
        JsonNode first = group.get("hosts").get(0);
        assertThat(first.propertyNames()).containsExactly("name", "endpoint", "internalNetworks", "tunnelSegment",
                "interfaceSuffix", "os");
        assertThat(first.get("name").stringValue()).isEqualTo("hoster-zima-0101");
        assertThat(first.get("endpoint").stringValue()).isEqualTo("192.168.8.161:51821");
        assertThat(first.get("tunnelSegment").stringValue()).isEqualTo("198.19.1.10/24");
        assertThat(created.body()).doesNotContain("123456", "auth_", "api_address");

        List<ConsumerRecord<String, byte[]>> records = kafka.records(Topics.HOST_GROUP_CHANGED, "hoster-lab");
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertThat(TestKafka.header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(TestKafka.header(record, "ce_type")).isEqualTo(HostGroupChanged.TYPE);
        assertThat(TestKafka.header(record, "ce_source")).isEqualTo("/wgmesh/config-service");
        assertThat(TestKafka.header(record, "ce_time")).isNotBlank();
        assertThat(TestKafka.header(record, "content-type")).isEqualTo("application/json");
        HostGroupChanged change = EventJson.read(record.value(), HostGroupChanged.class);
        assertThat(TestKafka.header(record, "ce_id")).isEqualTo(change.eventId().toString());
        assertThat(change.revision()).isEqualTo(1);
        assertThat(change.cause()).isEqualTo(ChangeCause.UPSERT);
        assertThat(change.spec().hosts()).hasSize(3);
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain("123456", "auth_");

        // the GET body goes back as it is, If-Match guards against lost updates
        var read = http.get("/api/v1/groups/hoster-lab");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.etag()).isEqualTo("\"1\"");
        var replaced = http.put("/api/v1/groups/hoster-lab", read.body(), "If-Match", "\"1\"");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("revision").intValue()).isEqualTo(2);
        assertThat(replaced.etag()).isEqualTo("\"2\"");

        var stale = http.put("/api/v1/groups/hoster-lab", read.body(), "If-Match", "\"1\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        assertThat(stale.json().get("errors").get(0).get("field").stringValue()).isEqualTo("If-Match");
        assertThat(http.put("/api/v1/groups/never-made", HOSTER_GROUP, "If-Match", "\"1\"").status()).isEqualTo(412);
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, "hoster-lab")).hasSize(2);
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, "never-made")).isEmpty();

        var list = http.get("/api/v1/groups").json();
        JsonNode summary = StreamSupport.stream(list.spliterator(), false)
                .filter(g -> g.get("name").stringValue().equals("hoster-lab")).findFirst().orElseThrow();
        assertThat(summary.get("revision").intValue()).isEqualTo(2);
        assertThat(summary.get("hostCount").intValue()).isEqualTo(3);
        assertThat(summary.get("topology").stringValue()).isEqualTo("hoster");
    }

    @Test
    void badInputListsEveryProblemAndPublishesNothing() throws Exception {
        var bad = http.put("/api/v1/groups/bad-lab", """
                {"name": "other-name", "mtu": "big", "colour": "red", "hosts": [
                  {"name": "h1", "endpoint": "192.0.2.1:99999", "tunnelSegment": "198.19.1.1/24"},
                  {"hostname": "h2", "wg": {"net_segment": "198.19.2.1", "net_mask": 24,
                   "endpoint_address": "192.0.2.2", "endpoint_port": 51820, "allowed_subnets": ["10.10.2.1/24"]}}]}""");

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        JsonNode problem = bad.json();
        assertThat(problem.get("status").intValue()).isEqualTo(400);
        assertThat(problem.get("title").stringValue()).isNotBlank();
        assertThat(problem.get("detail").stringValue()).isNotBlank();
        List<String> fields = StreamSupport.stream(problem.get("errors").spliterator(), false)
                .map(e -> e.get("field").stringValue()).toList();
        assertThat(fields).contains("name", "mtu", "colour", "hosts[0].endpoint", "hosts[1].wg.allowed_subnets[0]");
        List<String> values = StreamSupport.stream(problem.get("errors").spliterator(), false)
                .filter(e -> e.has("value")).map(e -> e.get("value").stringValue()).toList();
        assertThat(values).contains("\"other-name\"", "\"big\"", "\"192.0.2.1:99999\"", "\"10.10.2.1/24\"");

        var overlap = http.put("/api/v1/groups/bad-lab", """
                {"hosts": [{"name": "h1", "endpoint": "192.0.2.1:51820", "tunnelSegment": "198.19.1.1/24"},
                           {"name": "h2", "endpoint": "192.0.2.1:51820", "tunnelSegment": "198.19.1.9/24"}]}""");
        assertThat(overlap.status()).isEqualTo(400);
        assertThat(overlap.json().get("errors").size()).isGreaterThanOrEqualTo(2);

        var broken = http.put("/api/v1/groups/bad-lab", "{\"hosts\": [");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("errors").get(0).get("field").stringValue()).isEqualTo("$");

        assertThat(http.put("/api/v1/groups/bad-lab", "[]").status()).isEqualTo(400);
        assertThat(http.put("/api/v1/groups/bad-lab", "").status()).isEqualTo(400);

        var text = http.put("/api/v1/groups/bad-lab", HOSTER_GROUP, "Content-Type", "text/plain");
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.contentType()).startsWith("application/problem+json");

        var huge = http.put("/api/v1/groups/bad-lab", "{\"hosts\": [\"" + "x".repeat(100_000) + "\"]}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().get("errors")).isNotEmpty();

        var badName = http.get("/api/v1/groups/Bad_Name");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("errors").get(0).get("field").stringValue()).isEqualTo("group");
        assertThat(badName.json().get("errors").get(0).get("value").stringValue()).isEqualTo("\"Bad_Name\"");

        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, "bad-lab")).isEmpty();
        assertThat(http.get("/api/v1/groups/bad-lab").status()).isEqualTo(404);
    }

    @Test
    void yamlBodiesAreTheSameGroupWithTheSameChecks() throws Exception {
        String yaml = new YAMLMapper().writeValueAsString(EventJson.mapper().readTree(HOSTER_GROUP));
        var created = http.put("/api/v1/groups/yaml-lab", yaml, "Content-Type", "application/yaml");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var fromJson = http.put("/api/v1/groups/json-lab", HOSTER_GROUP);
        assertThat(created.json().get("hosts")).isEqualTo(fromJson.json().get("hosts"));
        assertThat(created.body()).doesNotContain("123456", "auth_");
        // every YAML media type in use, and the form GET gives back, as YAML, with If-Match
        String again = new YAMLMapper().writeValueAsString(http.get("/api/v1/groups/yaml-lab").json());
        for (String type : List.of("text/yaml", "application/x-yaml", "application/yaml; charset=utf-8")) {
            assertThat(http.put("/api/v1/groups/yaml-lab", again, "Content-Type", type).status()).as(type).isEqualTo(200);
        }
        assertThat(http.put("/api/v1/groups/yaml-lab", again, "Content-Type", "application/yaml", "If-Match", "\"1\"")
                .status()).isEqualTo(412);

        // the same problems, with the same JSON paths, as the JSON body gets
        var bad = http.put("/api/v1/groups/bad-yaml", """
                mtu: big
                hosts:
                  - name: h1
                    endpoint: "192.0.2.1:99999"
                    tunnelSegment: 198.19.1.1/24
                """, "Content-Type", "application/yaml");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        List<String> fields = StreamSupport.stream(bad.json().get("errors").spliterator(), false)
                .map(e -> e.get("field").stringValue()).toList();
        assertThat(fields).contains("mtu", "hosts[0].endpoint");

        var broken = http.put("/api/v1/groups/bad-yaml", "hosts: [\n  - name: h1\n", "Content-Type", "application/yaml");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("errors").get(0).get("message").stringValue()).startsWith("not YAML (line");

        // an alias bomb (a billion laughs) expands to nothing: refused at once, the service unharmed
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            String previous = "*" + (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, previous))).append("]\n");
        }
        bomb.append("hosts: *i\n");
        long start = System.nanoTime();
        var laughs = http.put("/api/v1/groups/bad-yaml", bomb.toString(), "Content-Type", "application/yaml");
        assertThat(laughs.status()).isEqualTo(400);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(http.get("/api/v1/groups").status()).isEqualTo(200);
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, "bad-yaml")).isEmpty();
    }

    @Test
    void unknownThingsAreProblemsToo() throws Exception {
        for (var response : List.of(http.get("/api/v1/groups/nobody"), http.get("/api/v1/groups/nobody/status"),
                http.delete("/api/v1/groups/nobody"), http.post("/api/v1/groups/nobody/rotate-keys"),
                http.get("/api/v1/nothing-here"),
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/groups/nobody"))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{}"))))) {
            assertThat(response.status()).isBetween(400, 499);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("errors")).isNotEmpty();
        }
    }

    @Test
    void reapplyAsksTheDeployersSignedAndChangesNoRevision() throws Exception {
        assertThat(http.put("/api/v1/groups/again-lab", HOSTER_GROUP).status()).isEqualTo(201);

        assertThat(http.post("/api/v1/groups/again-lab/hosts/hoster-zima-0102/reapply").status()).isEqualTo(202);
        assertThat(http.post("/api/v1/groups/again-lab/hosts/nobody/reapply").status()).isEqualTo(404);
        assertThat(http.post("/api/v1/groups/nobody/hosts/hoster-zima-0102/reapply").status()).isEqualTo(404);

        List<ConsumerRecord<String, byte[]>> requests = kafka.records(Topics.HOST_REAPPLY_REQUESTED,
                "again-lab/hoster-zima-0102");
        assertThat(requests).singleElement().satisfies(record -> {
            HostReapplyRequested request = EventJson.read(record.value(), HostReapplyRequested.class);
            assertThat(request.revision()).isEqualTo(1);
            assertThat(request.actor().value()).startsWith("api@");
            assertThat(CloudEvents.header(record.headers(), "wgmesh_signer")).isNotNull();
        });
        assertThat(http.get("/api/v1/groups/again-lab").etag()).isEqualTo("\"1\"");
    }

    @Test
    void rotationsAndDeleteMoveTheRevisionOn() throws Exception {
        assertThat(http.put("/api/v1/groups/rot-lab", HOSTER_GROUP).status()).isEqualTo(201);

        var host = http.post("/api/v1/groups/rot-lab/hosts/hoster-zima-0102/rotate-keys");
        assertThat(host.status()).isEqualTo(202);
        assertThat(host.json().get("revision").intValue()).isEqualTo(2);
        assertThat(http.post("/api/v1/groups/rot-lab/hosts/nobody/rotate-keys").status()).isEqualTo(404);
        var group = http.post("/api/v1/groups/rot-lab/rotate-keys");
        assertThat(group.status()).isEqualTo(202);
        assertThat(group.json().get("name").stringValue()).isEqualTo("rot-lab");
        assertThat(group.json().get("revision").intValue()).isEqualTo(3);
        assertThat(http.post("/api/v1/groups/rot-lab/rotate-preshared-keys").status()).isEqualTo(202);
        var revoke = http.post("/api/v1/groups/rot-lab/hosts/hoster-zima-0103/revoke");
        assertThat(revoke.status()).isEqualTo(202);
        assertThat(revoke.json().get("revision").intValue()).isEqualTo(5);
        var afterRevoke = http.get("/api/v1/groups/rot-lab").json();
        assertThat(afterRevoke.get("revoked")).extracting(JsonNode::stringValue).containsExactly("hoster-zima-0103");
        assertThat(afterRevoke.get("hosts")).hasSize(2);
        assertThat(http.post("/api/v1/groups/rot-lab/hosts/hoster-zima-0103/revoke").status()).isEqualTo(404);

        assertThat(http.delete("/api/v1/groups/rot-lab").status()).isEqualTo(204);
        assertThat(http.get("/api/v1/groups/rot-lab").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/groups/rot-lab/status").status()).isEqualTo(404);

        List<HostGroupChanged> changes = kafka.records(Topics.HOST_GROUP_CHANGED, "rot-lab").stream()
                .map(r -> EventJson.read(r.value(), HostGroupChanged.class)).toList();
        assertThat(changes).extracting(HostGroupChanged::cause).containsExactly(ChangeCause.UPSERT,
                ChangeCause.ROTATE_HOST, ChangeCause.ROTATE_GROUP, ChangeCause.ROTATE_PRESHARED_KEYS, ChangeCause.REVOKE,
                ChangeCause.DELETE);
        assertThat(changes.get(4).revoked()).extracting(HostName::value).containsExactly("hoster-zima-0103");
        assertThat(changes.get(5).spec()).isNull();

        var again = http.put("/api/v1/groups/rot-lab", HOSTER_GROUP);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.etag()).isEqualTo("\"7\"");
    }

    @Test
    void aPlanShowsTheChangeAndTheInterlockHoldsBackARemovalOfMostOfTheGroupUntilForced() throws Exception {
        assertThat(http.put("/api/v1/groups/plan-lab", HOSTER_GROUP).status()).isEqualTo(201);
        String oneLeft = """
                {"hosts": [%s]}""".formatted(hoster("zima-0101", 1));

        var plan = http.post("/api/v1/groups/plan-lab/plan", oneLeft);
        assertThat(plan.status()).isEqualTo(200);
        assertThat(plan.json().get("revision").intValue()).isEqualTo(2);
        assertThat(plan.json().get("hostsRemoved")).extracting(JsonNode::stringValue)
                .containsExactly("hoster-zima-0102", "hoster-zima-0103");
        assertThat(plan.json().get("links").get("removed").intValue()).isEqualTo(3);
        assertThat(plan.json().get("blastRadius").get("exceeded").booleanValue()).isTrue();
        assertThat(http.post("/api/v1/groups/plan-lab/plan", "{\"hosts\": 7}").status()).isEqualTo(400);
        assertThat(http.get("/api/v1/groups/plan-lab").etag()).isEqualTo("\"1\"");

        var held = http.put("/api/v1/groups/plan-lab", oneLeft);
        assertThat(held.status()).isEqualTo(409);
        assertThat(held.body()).contains("removes 2 of the group's 3 hosts (67%)").contains("?force=true");
        assertThat(http.put("/api/v1/groups/plan-lab?force=maybe", oneLeft).body()).contains("\"force\"")
                .contains("must be true or false");
        var forced = http.put("/api/v1/groups/plan-lab?force=true", oneLeft);
        assertThat(forced.status()).isEqualTo(200);
        assertThat(forced.etag()).isEqualTo("\"2\"");
    }

    @Test
    void commandsGoThroughTheSameRules() throws Exception {
        String requestId = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
        kafka.send(Topics.HOST_GROUP_COMMANDS, "cmd-lab", """
                {"requestId": "%s", "mtu": 1, "hosts": [{"name": "h 1", "endpoint": "192.0.2.1"}]}""".formatted(requestId));

        List<ConsumerRecord<String, byte[]>> rejected = kafka.await(Topics.HOST_GROUP_REJECTED, "cmd-lab", 1);
        assertThat(rejected).hasSize(1);
        assertThat(TestKafka.header(rejected.get(0), "ce_type")).isEqualTo(HostGroupChangeRejected.TYPE);
        HostGroupChangeRejected rejection = EventJson.read(rejected.get(0).value(), HostGroupChangeRejected.class);
        assertThat(rejection.status()).isEqualTo(400);
        assertThat(rejection.revision()).isZero();
        assertThat(rejection.correlationId()).isEqualTo(UUID.fromString(requestId));
        assertThat(rejection.problems()).extracting(Problem::field).contains("mtu", "hosts[0].name", "hosts[0].endpoint");
        assertThat(rejection.problems()).extracting(Problem::value).contains("1", "\"h 1\"", "\"192.0.2.1\"");

        kafka.send(Topics.HOST_GROUP_COMMANDS, "cmd-lab", HOSTER_GROUP);
        List<ConsumerRecord<String, byte[]>> changed = kafka.await(Topics.HOST_GROUP_CHANGED, "cmd-lab", 1);
        assertThat(changed).hasSize(1);
        assertThat(http.get("/api/v1/groups/cmd-lab").etag()).isEqualTo("\"1\"");

        kafka.send(Topics.HOST_GROUP_COMMANDS, "cmd-lab", "{\"action\": \"rotate-host\", \"host\": \"nobody\"}");
        kafka.send(Topics.HOST_GROUP_COMMANDS, "cmd-lab", "{\"action\": \"delete\", \"expectedRevision\": 9}");
        kafka.send(Topics.HOST_GROUP_COMMANDS, "cmd-lab", "{\"action\": \"delete\", \"expectedRevision\": 1}");
        List<Integer> statuses = kafka.await(Topics.HOST_GROUP_REJECTED, "cmd-lab", 3).stream()
                .map(r -> EventJson.read(r.value(), HostGroupChangeRejected.class).status()).toList();
        assertThat(statuses).containsExactly(400, 404, 412);
        assertThat(kafka.await(Topics.HOST_GROUP_CHANGED, "cmd-lab", 2)).hasSize(2);
        assertThat(http.get("/api/v1/groups/cmd-lab").status()).isEqualTo(404);

        kafka.send(Topics.HOST_GROUP_COMMANDS, "cmd-lab", "this is not JSON");
        kafka.send(Topics.HOST_GROUP_COMMANDS, "Not A Group", "{}");
        assertThat(kafka.await(Topics.deadLetter(Topics.HOST_GROUP_COMMANDS), "cmd-lab", 1))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("this is not JSON");
        assertThat(kafka.await(Topics.deadLetter(Topics.HOST_GROUP_COMMANDS), "Not A Group", 1)).hasSize(1);
    }

    @Test
    void poisonReportsGoToTheDeadLetterTopic() throws Exception {
        String dlt = Topics.deadLetter(Topics.DEPLOYMENT_REPORTED);
        kafka.send(Topics.DEPLOYMENT_REPORTED, "poison/h1", "this is not JSON");
        kafka.send(Topics.DEPLOYMENT_REPORTED, "poison/h2", "{\"group\": \"poison\", \"revision\": \"many\"}");
        UUID id = UUID.randomUUID();
        DeploymentReported unknownGroup = new DeploymentReported(id, GroupName.parse("never-was"), 1, Instant.now(), id,
                HostName.parse("h3"), DeploymentReported.Outcome.APPLIED, null, "sha256:00", "deployer-1", 5);
        kafka.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, unknownGroup, TestTrust.signer(Signer.DEPLOYER)));
        kafka.send(Topics.DEPLOYMENT_REPORTED, "unsigned/h4", EventJson.write(unknownGroup));

        assertThat(kafka.await(dlt, "poison/h1", 1)).hasSize(1);
        assertThat(TestKafka.header(kafka.await(dlt, "unsigned/h4", 1).get(0), "kafka_dlt-exception-message"))
                .startsWith("unsigned");
        assertThat(kafka.await(dlt, "poison/h2", 1)).hasSize(1);
        List<ConsumerRecord<String, byte[]>> unknown = kafka.await(dlt, "never-was/h3", 1);
        assertThat(TestKafka.header(unknown.get(0), "kafka_dlt-exception-message")).contains("never had");
    }

    @Test
    void statusFollowsTheKeyedGroupAndTheReports() throws Exception {
        assertThat(http.put("/api/v1/groups/status-lab", HOSTER_GROUP).status()).isEqualTo(201);
        JsonNode pending = http.get("/api/v1/groups/status-lab/status").json();
        assertThat(pending.get("converged").booleanValue()).isFalse();
        assertThat(pending.get("hosts").get(0).get("state").stringValue()).isEqualTo("PENDING");

        HostGroupChanged change = EventJson.read(
                kafka.records(Topics.HOST_GROUP_CHANGED, "status-lab").get(0).value(), HostGroupChanged.class);
        HostGroupKeysGenerated keyed = Fixtures.keyed(change, null);
        kafka.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, keyed, TestTrust.signer(Signer.KEYGEN)));
        var files = GroupRenderer.render(keyed);
        for (HostFiles host : files.values()) {
            var outcome = host.host().value().endsWith("3") ? DeploymentReported.Outcome.FAILED : DeploymentReported.Outcome.APPLIED;
            kafka.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED,
                    Fixtures.report(change.group(), host.host().value(), 1, outcome, host.contentHash()), DEPLOYER));
        }

        JsonNode status = awaitStatus("status-lab", s -> s.get("hosts").get(2).get("state").stringValue().equals("FAILED"));
        assertThat(status.get("revision").intValue()).isEqualTo(1);
        assertThat(status.get("converged").booleanValue()).isFalse();
        JsonNode first = status.get("hosts").get(0);
        assertThat(first.get("host").stringValue()).isEqualTo("hoster-zima-0101");
        assertThat(first.get("state").stringValue()).isEqualTo("APPLIED");
        assertThat(first.get("desiredRevision").intValue()).isEqualTo(1);
        assertThat(first.get("appliedRevision").intValue()).isEqualTo(1);
        assertThat(first.get("replica").stringValue()).isEqualTo("replica-1");
        assertThat(first.get("contentHash").stringValue()).startsWith("sha256:");
        assertThat(status.get("hosts").get(2).get("reason").stringValue()).isEqualTo("wg-quick failed");

        HostFiles third = files.get(HostName.parse("hoster-zima-0103"));
        kafka.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, Fixtures.report(change.group(), third.host().value(), 1,
                DeploymentReported.Outcome.APPLIED, third.contentHash()), DEPLOYER));
        assertThat(awaitStatus("status-lab", s -> s.get("converged").booleanValue()).get("converged").booleanValue()).isTrue();
    }

    private JsonNode awaitStatus(String group, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode status = http.get("/api/v1/groups/" + group + "/status").json();
        while (!until.test(status) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = http.get("/api/v1/groups/" + group + "/status").json();
        }
        return status;
    }

    @Test
    void aBroadRouteIsRefusedNamingTheFieldUnlessTheGroupAllowsIt() throws Exception {
        String group = """
                {"topology": "mesh", "tunnelNetwork": "10.99.0.0/24", %s"hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820", "internalNetworks": ["::/0"]},
                  {"name": "b", "endpoint": "192.0.2.2:51820"}]}""";

        var refused = http.put("/api/v1/groups/broad", group.formatted(""));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        JsonNode error = refused.json().get("errors").get(0);
        assertThat(error.get("field").stringValue()).isEqualTo("hosts[0].internalNetworks[0]");
        assertThat(error.get("value").stringValue()).isEqualTo("\"::/0\"");
        assertThat(error.get("message").stringValue()).contains("shorter than /32", "allowBroadRoutes");
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, "broad")).isEmpty();

        assertThat(http.put("/api/v1/groups/broad", group.formatted("\"allowBroadRoutes\": true, ")).status()).isEqualTo(201);
        var read = http.get("/api/v1/groups/broad");
        assertThat(read.json().get("allowBroadRoutes").booleanValue()).isTrue();
        assertThat(http.put("/api/v1/groups/broad", read.body()).status()).isEqualTo(200);
        HostGroupChanged stored = EventJson.read(kafka.records(Topics.HOST_GROUP_CHANGED, "broad").get(1).value(),
                HostGroupChanged.class);
        assertThat(stored.spec().allowBroadRoutes()).isTrue();
    }
}
