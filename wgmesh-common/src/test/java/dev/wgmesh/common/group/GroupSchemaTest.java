package dev.wgmesh.common.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.testing.JsonSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** docs/schemas/group.json, the group file's schema that editors use, against the files and the parser. */
class GroupSchemaTest {

    private static final String SCHEMA = "group.json";

    static Stream<Path> examples() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("..", "examples"))) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream();
    }

    private static JsonNode read(Path file) throws IOException {
        return EventJson.mapper().readTree(Files.readString(file));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleConformsToTheSchemaItNames(Path file) throws IOException {
        JsonNode example = read(file);

        assertThat(example.get("$schema").stringValue()).isEqualTo("../docs/schemas/group.json");
        assertThat(file.getParent().resolve(example.get("$schema").stringValue())).exists();
        assertThat(JsonSchemas.problems(SCHEMA, example)).isEmpty();
    }

    /** The $schema an editor needs is no unknown field to wgmesh: an example goes into a PUT as it is. */
    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleParsesWithItsSchemaField(Path file) throws IOException {
        HostGroupParser.Result result = HostGroupParser.parse(read(file), Set.of());

        assertThat(result.problems()).isEmpty();
        assertThat(result.spec().hosts()).isNotEmpty();
    }

    @Test
    void onlyTheGroupMayNameASchemaNotAHost() {
        HostGroupParser.Result result = HostGroupParser.parse(EventJson.mapper().readTree("""
                {"$schema": "../docs/schemas/group.json", "topology": "mesh", "tunnelNetwork": "10.99.0.0/16",
                 "hosts": [{"name": "a", "endpoint": "192.0.2.1:51820", "$schema": "x"}]}"""), Set.of());

        assertThat(result.problems()).extracting(Problem::field).containsExactly("hosts[0].$schema");
    }

    /** Each a mistake the parser refuses too; the schema shows it in the editor before it is sent. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"hosts\": []}",
            "{\"colour\": \"red\", \"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:51820\", \"tunnelSegment\": \"198.19.1.10/24\"}]}",
            "{\"topology\": \"ring\", \"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:51820\", \"tunnelSegment\": \"198.19.1.10/24\"}]}",
            "{\"topology\": \"mesh\", \"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:51820\"}]}",
            "{\"tunnelNetwork\": \"10.99.0.0/16\", \"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:51820\", \"tunnelSegment\": \"198.19.1.10/24\"}]}",
            "{\"mtu\": 100, \"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:51820\", \"tunnelSegment\": \"198.19.1.10/24\"}]}",
            "{\"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:51820\"}]}",
            "{\"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1\", \"tunnelSegment\": \"198.19.1.10/24\"}]}",
            "{\"hosts\": [{\"name\": \"a/b\", \"endpoint\": \"192.0.2.1:51820\", \"tunnelSegment\": \"198.19.1.10/24\"}]}",
            "{\"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:51820\", \"tunnelSegment\": \"198.19.1.10/24\", \"extra\": 1}]}",
            "{\"hosts\": [{\"hostname\": \"a\", \"wg\": {\"net_segment\": \"198.19.1.10\", \"net_mask\": 24, \"endpoint_port\": 51820}}]}",
            "{\"hosts\": [{\"hostname\": \"a\", \"wg\": {\"endpoint_address\": \"192.0.2.1\", \"endpoint_port\": 51820}}]}",
            "{\"topology\": \"mesh\", \"tunnelNetwork\": \"10.99.0.0/16\", \"presharedKeys\": \"yes\", \"hosts\": [{\"name\": \"a\", \"endpoint\": \"192.0.2.1:51820\"}]}",
    })
    void wrongFilesFailBothTheSchemaAndTheParser(String json) {
        JsonNode file = EventJson.mapper().readTree(json);

        assertThat(JsonSchemas.problems(SCHEMA, file)).as("schema problems of %s", json).isNotEmpty();
        assertThat(HostGroupParser.parse(file, Set.of()).problems()).as("parser problems of %s", json).isNotEmpty();
    }
}
