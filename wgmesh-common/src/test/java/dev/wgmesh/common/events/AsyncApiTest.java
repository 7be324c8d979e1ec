package dev.wgmesh.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.testing.JsonSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** docs/asyncapi.yaml against the code: a topic added to Topics.ALL without a channel fails here. */
class AsyncApiTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");

    static JsonNode document() throws Exception {
        return YAMLMapper.builder().build().readTree(Files.readString(DOCUMENT));
    }

    static JsonNode channel(JsonNode document, String topic) {
        for (JsonNode channel : document.get("channels")) {
            if (channel.get("address").stringValue().equals(topic)) {
                return channel;
            }
        }
        return null;
    }

    @Test
    void everyTopicIsAChannelWithItsPartitionsAndCleanupPolicy() throws Exception {
        JsonNode document = document();
        assertThat(document.get("asyncapi").stringValue()).startsWith("3.");

        for (Topics.TopicSpec topic : Topics.ALL) {
            JsonNode channel = channel(document, topic.name());
            assertThat(channel).as("a channel with address %s", topic.name()).isNotNull();
            JsonNode kafka = channel.get("bindings").get("kafka");
            assertThat(kafka.get("topic").stringValue()).isEqualTo(topic.name());
            assertThat(kafka.get("partitions").intValue()).as("partitions of %s", topic.name()).isEqualTo(topic.partitions());
            assertThat(kafka.get("topicConfiguration").get("cleanup.policy").get(0).stringValue()).as("cleanup of %s", topic.name())
                    .isEqualTo(topic.compacted() ? "compact" : "delete");
        }
        List<String> addresses = new ArrayList<>();
        document.get("channels").forEach(channel -> addresses.add(channel.get("address").stringValue()));
        assertThat(addresses).as("no channel for a topic wgmesh does not have")
                .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(Topics.TopicSpec::name).toList());
    }

    /** Every record type has its message, whose payload is that type's schema, on the topic it goes to. */
    @Test
    void everyRecordTypeIsAMessageWithItsSchema() throws Exception {
        JsonNode messages = document().get("components").get("messages");
        Set<String> types = new HashSet<>();
        for (JsonNode message : messages) {
            String payload = message.get("payload").path("$ref").stringValue("");
            if (message.has("title")) {
                types.add(message.get("title").stringValue());
                assertThat(payload).isEqualTo("./schemas/" + EventSchemasTest.SCHEMAS.get(message.get("title").stringValue()));
            }
            if (!payload.isEmpty()) {
                assertThat(DOCUMENT.resolveSibling(payload)).as("the payload of %s", message.get("name")).exists();
                JsonSchemas.schema(Path.of(payload).getFileName().toString()); // loads, $refs and all
            }
        }
        assertThat(types).containsExactlyInAnyOrderElementsOf(EventSchemasTest.SCHEMAS.keySet());
    }

    @Test
    void signedTopicsDescribeTheSignatureHeaders() throws Exception {
        JsonNode document = document();
        JsonNode signed = document.get("components").get("schemas").get("signedHeaders");
        assertThat(signed.get("required").valueStream().map(JsonNode::stringValue))
                .contains("wgmesh_signer", "wgmesh_signature", CloudEvents.REVISION_HEADER);
        for (Topics.TopicSpec topic : Topics.ALL) {
            if (Topics.signed(topic.name())) {
                for (JsonNode message : channel(document, topic.name()).get("messages")) {
                    String name = message.get("$ref").stringValue().replace("#/components/messages/", "");
                    assertThat(document.get("components").get("messages").get(name).get("headers").get("$ref").stringValue())
                            .as("headers of %s on %s", name, topic.name()).isEqualTo("#/components/schemas/signedHeaders");
                }
            }
        }
    }

    /** The commands topic's example in README "API", and the examples as upsert commands. */
    @Test
    void commandsConformToTheCommandSchema() throws Exception {
        String schema = "host-group-command.v1.json";
        JsonNode rotate = EventJson.tree("""
                {"action":"rotate-host","host":"hoster-node-03","requestId":"6f1c1f9e-8c55-4c1e-9a35-5b0c3b8f8a10"}""".getBytes());
        JsonNode upsert = EventJson.tree(Files.readAllBytes(Path.of("..", "examples", "mesh-8-hosts.json")));
        ((tools.jackson.databind.node.ObjectNode) upsert).put("expectedRevision", 3).put("force", true);

        assertThat(JsonSchemas.problems(schema, rotate)).isEmpty();
        assertThat(JsonSchemas.problems(schema, EventJson.tree("{\"action\":\"delete\"}".getBytes()))).isEmpty();
        assertThat(JsonSchemas.problems(schema, upsert)).isEmpty();
        assertThat(JsonSchemas.problems(schema, EventJson.tree("{\"action\":\"rotate-host\"}".getBytes()))).isNotEmpty();
        assertThat(JsonSchemas.problems(schema, EventJson.tree("{\"action\":\"explode\"}".getBytes()))).isNotEmpty();
        assertThat(JsonSchemas.problems(schema, EventJson.tree("{\"action\":\"delete\",\"hosts\":[]}".getBytes()))).isNotEmpty();
    }
}
