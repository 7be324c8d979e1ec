package dev.wgmesh.config.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FeedRecordsTest {

    @Test
    void aRecordBecomesTopicKeyHeadersTimestampAndItsValue() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_type", "dev.wgmesh.deployment-reported.v1".getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        headers.add("kafka_dlt-exception-stacktrace", "at a.b.C".getBytes(StandardCharsets.UTF_8));
        headers.add("other", "x".getBytes(StandardCharsets.UTF_8));
        FeedEvent event = feed(record(Topics.DEPLOYMENT_REPORTED, "seed/node-1",
                "{\"outcome\":\"APPLIED\",\"revision\":3}", headers));

        assertThat(event.group()).isEqualTo("seed");
        assertThat(event.host()).isEqualTo("node-1");
        assertThat(event.id()).isEqualTo(Topics.DEPLOYMENT_REPORTED + "-2-7");
        JsonNode json = EventJson.mapper().readTree(event.json());
        assertThat(json.path("topic").asString()).isEqualTo(Topics.DEPLOYMENT_REPORTED);
        assertThat(json.path("key").asString()).isEqualTo("seed/node-1");
        assertThat(json.path("partition").asInt()).isEqualTo(2);
        assertThat(json.path("offset").asLong()).isEqualTo(7);
        assertThat(json.path("timestamp").asString()).isEqualTo("2024-05-07T17:47:09Z");
        assertThat(json.path("value").path("outcome").asString()).isEqualTo("APPLIED");
        assertThat(json.path("headers").propertyNames())
                .containsExactlyInAnyOrder("ce_type", "content-type");
    }

    @Test
    void aTombstoneHasANullValueAndAGroupKeyHasNoHost() {
        FeedEvent event = feed(record(Topics.HOST_GROUP_CHANGED, "seed", null, new RecordHeaders()));
        assertThat(event.group()).isEqualTo("seed");
        assertThat(event.host()).isNull();
        assertThat(EventJson.mapper().readTree(event.json()).get("value").isNull()).isTrue();
    }

    @Test
    void aValueThatIsNotJsonIsNotPassedOn() {
        FeedEvent event = feed(record(Topics.deadLetter(Topics.HOST_GROUP_CHANGED), "seed",
                "not json at all", new RecordHeaders()));
        JsonNode json = EventJson.mapper().readTree(event.json());
        assertThat(json.get("value").isNull()).isTrue();
        assertThat(json.path("note").asString()).contains("not JSON");
        assertThat(event.json()).doesNotContain("not json at all");
    }

    @Test
    void aChangeRequestKeepsOnlyTheFieldsWgmeshReads() {
        String command = """
                {"expectedRevision": 2, "topology": "hoster", "token": "t0p",
                 "hosts": [{"hostname": "hoster-zima-0101", "auth_user": "admin", "auth_password": "123456",
                            "wg": {"net_segment": "198.19.1.10", "net_mask": 24, "secret": "s"}}]}""";
        for (String topic : new String[] {Topics.HOST_GROUP_COMMANDS, Topics.deadLetter(Topics.HOST_GROUP_COMMANDS)}) {
            FeedEvent event = feed(record(topic, "seed", command, new RecordHeaders()));
            assertThat(event.json()).doesNotContain("123456", "auth_", "t0p", "secret");
            JsonNode value = EventJson.mapper().readTree(event.json()).path("value");
            assertThat(value.path("expectedRevision").asInt()).isEqualTo(2);
            assertThat(value.path("hosts").get(0).path("hostname").asString()).isEqualTo("hoster-zima-0101");
            assertThat(value.path("hosts").get(0).path("wg").path("net_mask").asInt()).isEqualTo(24);
        }
        FeedEvent array = feed(record(Topics.HOST_GROUP_COMMANDS, "seed", "[\"123456\"]", new RecordHeaders()));
        assertThat(array.json()).doesNotContain("123456");
    }

    @Test
    void aLargeValueKeepsItsTopLevelFieldsOnly() {
        String peers = "\"x\",".repeat(FeedRecords.MAX_VALUE_BYTES / 4);
        String value = "{\"group\":\"big\",\"revision\":9,\"correlationId\":\"c\",\"interfaces\":[" + peers + "\"x\"]}";
        FeedEvent event = feed(record(Topics.HOST_CONFIG_RENDERED, "big/node-1", value, new RecordHeaders()));
        JsonNode json = EventJson.mapper().readTree(event.json());
        assertThat(json.path("value").path("revision").asInt()).isEqualTo(9);
        assertThat(json.path("value").has("interfaces")).isFalse();
        assertThat(json.path("note").asString()).contains("top-level");
        assertThat(event.json().length()).isLessThan(2000);
    }

    @Test
    void anInstallationsPrefixIsNotShownAndItsChangeRequestsAreStillKeptToTheFieldsWgmeshReads() {
        FeedEvent event = FeedRecords.of(Topics.HOST_GROUP_COMMANDS, record("team-a." + Topics.HOST_GROUP_COMMANDS, "seed",
                "{\"topology\": \"hoster\", \"token\": \"t0p\"}", new RecordHeaders()));

        assertThat(event.id()).isEqualTo(Topics.HOST_GROUP_COMMANDS + "-2-7");
        assertThat(EventJson.mapper().readTree(event.json()).path("topic").asString()).isEqualTo(Topics.HOST_GROUP_COMMANDS);
        assertThat(event.json()).doesNotContain("t0p", "team-a.");
    }

    /** A record of an installation without a prefix, whose topic is its logical name. */
    private static FeedEvent feed(ConsumerRecord<String, byte[]> record) {
        return FeedRecords.of(record.topic(), record);
    }

    private static ConsumerRecord<String, byte[]> record(String topic, String key, String value, RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 2, 7, 1715104029000L, TimestampType.CREATE_TIME, -1, -1, key,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }
}
