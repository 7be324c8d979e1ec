package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChangeRejected;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/** The quotas as a client meets them: 409 beyond the groups or hosts in all, 429 beyond a group's changes per minute. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "wgmesh.max-groups=2", "wgmesh.max-hosts-total=7", "wgmesh.max-changes-per-minute=3",
        "wgmesh.api.insecure-no-auth=true"})
class QuotaApiTest {

    private static final String GROUPS = "/api/v1/groups/";

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    TestHttp http;
    TestKafka kafka;

    /** The quotas count every group: the groups the module's other test classes left on the broker go first. */
    @BeforeEach
    void clientsAndNoGroups() throws Exception {
        http = new TestHttp(port);
        kafka = new TestKafka(brokers);
        for (JsonNode group : http.get("/api/v1/groups").json()) {
            String name = group.get("name").stringValue();
            assertThat(http.delete(GROUPS + name).status()).as("deleting %s", name).isEqualTo(204);
        }
    }

    @Test
    void aGroupsChangesBeyondTheMinutesLimitGet429WithRetryAfter() throws Exception {
        assertThat(http.put(GROUPS + "busy", GroupApiTest.HOSTER_GROUP).status()).isEqualTo(201);
        assertThat(http.post(GROUPS + "busy/rotate-keys").status()).isEqualTo(202);
        // a refused request changed nothing, so it uses up nothing
        assertThat(http.put(GROUPS + "busy", "{\"hosts\": []}").status()).isEqualTo(400);
        assertThat(http.post(GROUPS + "busy/hosts/nobody/rotate-keys").status()).isEqualTo(404);
        assertThat(http.delete(GROUPS + "busy").status()).isEqualTo(204);

        var limited = http.put(GROUPS + "busy", GroupApiTest.HOSTER_GROUP);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        JsonNode problem = limited.json();
        assertThat(problem.get("status").intValue()).isEqualTo(429);
        JsonNode error = problem.get("errors").get(0);
        assertThat(error.get("field").stringValue()).isEqualTo("group");
        assertThat(error.get("value").stringValue()).isEqualTo("\"busy\"");
        assertThat(error.get("message").stringValue()).contains("3 changes", "wgmesh.max-changes-per-minute");
        assertThat(http.post(GROUPS + "busy/rotate-keys").status()).isEqualTo(429);
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, "busy")).hasSize(3);
    }

    @Test
    void groupsAndHostsBeyondTheQuotasGet409NamingTheLimitAndTheNumbers() throws Exception {
        assertThat(http.put(GROUPS + "first", GroupApiTest.HOSTER_GROUP).status()).isEqualTo(201);
        assertThat(http.put(GROUPS + "second", GroupApiTest.HOSTER_GROUP).status()).isEqualTo(201);

        var third = http.put(GROUPS + "third", GroupApiTest.HOSTER_GROUP);
        var grown = http.put(GROUPS + "second", hosts(5));

        assertThat(third.status()).isEqualTo(409);
        assertThat(third.contentType()).startsWith("application/problem+json");
        JsonNode groups = third.json().get("errors").get(0);
        assertThat(groups.get("field").stringValue()).isEqualTo("group");
        assertThat(groups.get("message").stringValue()).contains("2 groups", "wgmesh.max-groups allows 2");
        assertThat(grown.status()).isEqualTo(409);
        JsonNode hosts = grown.json().get("errors").get(0);
        assertThat(hosts.get("field").stringValue()).isEqualTo("hosts");
        assertThat(hosts.get("message").stringValue()).contains("5 hosts", "other groups' 3", "would make 8",
                "the 7 that wgmesh.max-hosts-total allows");
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, "third")).isEmpty();
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, "second")).hasSize(1);

        // a group that goes makes room
        assertThat(http.delete(GROUPS + "first").status()).isEqualTo(204);
        assertThat(http.put(GROUPS + "second", hosts(5)).status()).isEqualTo(200);
        assertThat(http.delete(GROUPS + "second").status()).isEqualTo(204);
    }

    /**
     * Commands that wait for config-service come in one poll and are decided in rounds of one transaction each:
     * the groups decided earlier in a round count in the quotas of the later ones, a group's next command is
     * decided in the next round on its first one, and a poison command goes to the DLT without the others.
     */
    @Test
    void commandsOfOnePollCountInTheQuotasTogetherAndEachSeesTheOneBefore() throws Exception {
        var listener = listeners.getListenerContainer("wgmesh-config-commands");
        listener.stop();
        try {
            kafka.send(Topics.HOST_GROUP_COMMANDS, "poll-one", GroupApiTest.HOSTER_GROUP);
            kafka.send(Topics.HOST_GROUP_COMMANDS, "poll-two", GroupApiTest.HOSTER_GROUP);
            kafka.send(Topics.HOST_GROUP_COMMANDS, "poll-three", GroupApiTest.HOSTER_GROUP);
            kafka.send(Topics.HOST_GROUP_COMMANDS, "poll-one", "{\"action\": \"rotate-group\", \"expectedRevision\": 1}");
            kafka.send(Topics.HOST_GROUP_COMMANDS, "poll-four", "this is not JSON");
        } finally {
            listener.start();
        }

        assertThat(kafka.await(Topics.HOST_GROUP_CHANGED, "poll-one", 2))
                .extracting(r -> EventJson.read(r.value(), HostGroupChanged.class).revision()).containsExactly(1L, 2L);
        assertThat(kafka.await(Topics.deadLetter(Topics.HOST_GROUP_COMMANDS), "poll-four", 1)).hasSize(1);
        // a poll holds its partitions' records one partition after another: which of the two came first varies
        List<String> created = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(30);
        for (String group : List.of("poll-two", "poll-three")) {
            List<ConsumerRecord<String, byte[]>> rejected = List.of();
            while (kafka.records(Topics.HOST_GROUP_CHANGED, group).isEmpty()
                    && (rejected = kafka.records(Topics.HOST_GROUP_REJECTED, group)).isEmpty()) {
                assertThat(Instant.now()).as("an answer to %s", group).isBefore(deadline);
                Thread.sleep(100);
            }
            if (rejected.isEmpty()) {
                created.add(group);
            } else {
                assertThat(EventJson.read(rejected.get(0).value(), HostGroupChangeRejected.class).status()).isEqualTo(409);
                refused.add(group);
            }
        }
        assertThat(created).as("max-groups 2 with poll-one").hasSize(1);
        assertThat(refused).hasSize(1);
    }

    private static String hosts(int count) {
        List<String> records = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            records.add(GroupApiTest.hoster("zima-010" + n, n));
        }
        return "{\"hosts\": [" + String.join(", ", records) + "]}";
    }
}
