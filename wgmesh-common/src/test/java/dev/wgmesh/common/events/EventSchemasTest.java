package dev.wgmesh.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.testing.JsonSchemas;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Real records, as EventJson writes them, against the JSON Schema per record type that docs/asyncapi.yaml names. */
class EventSchemasTest {

    /** The schema file of each CloudEvents type. */
    static final Map<String, String> SCHEMAS = Map.of(
            HostGroupChanged.TYPE, "host-group-changed.v1.json",
            HostGroupKeysGenerated.TYPE, "host-group-keys-generated.v1.json",
            HostConfigRendered.TYPE, "host-config-rendered.v1.json",
            MeshPeersRendered.TYPE, "mesh-peers-rendered.v1.json",
            DeploymentReported.TYPE, "deployment-reported.v1.json",
            HostGroupChangeRejected.TYPE, "host-group-change-rejected.v1.json",
            HostHealthReported.TYPE, "host-health-reported.v1.json",
            HostReapplyRequested.TYPE, "host-reapply-requested.v1.json",
            RolloutProgressed.TYPE, "rollout-progressed.v1.json");

    static String schemaOf(WgmeshEvent event) {
        String file = SCHEMAS.get(event.eventType());
        assertThat(file).as("a schema for %s", event.eventType()).isNotNull();
        return file;
    }

    @ParameterizedTest
    @MethodSource("dev.wgmesh.common.events.EventJsonTest#events")
    void everyRecordConformsToItsSchema(WgmeshEvent event) {
        JsonNode json = EventJson.tree(EventJson.write(event));

        assertThat(JsonSchemas.problems(schemaOf(event), json)).as("%s", json).isEmpty();
    }

    @Test
    void theFixturesCoverEveryRecordType() {
        assertThat(EventJsonTest.events().map(WgmeshEvent::eventType).distinct()).containsExactlyInAnyOrderElementsOf(SCHEMAS.keySet());
    }

    /** A schema that takes anything proves nothing: a field the record type does not have, or a wrong value, fails. */
    @ParameterizedTest
    @MethodSource("dev.wgmesh.common.events.EventJsonTest#events")
    void aChangedRecordBreaksItsSchema(WgmeshEvent event) {
        ObjectNode unknown = (ObjectNode) EventJson.tree(EventJson.write(event));
        unknown.put("addedLater", "x");
        ObjectNode badRevision = (ObjectNode) EventJson.tree(EventJson.write(event));
        badRevision.put("revision", "seven");
        ObjectNode noGroup = (ObjectNode) EventJson.tree(EventJson.write(event));
        noGroup.remove("group");

        assertThat(JsonSchemas.problems(schemaOf(event), unknown)).isNotEmpty();
        assertThat(JsonSchemas.problems(schemaOf(event), badRevision)).isNotEmpty();
        assertThat(JsonSchemas.problems(schemaOf(event), noGroup)).isNotEmpty();
    }

    @Test
    void aPlaintextKeyWhereASealedOneBelongsBreaksTheSchema() {
        ObjectNode keyed = (ObjectNode) EventJson.tree(EventJson.write(EventJsonTest.KEYED.event()));
        ((ObjectNode) keyed.get("hosts").get(0)).put("privateKey", EventJsonTest.KEYED.seed().base64());

        assertThat(JsonSchemas.problems(schemaOf(EventJsonTest.KEYED.event()), keyed)).isNotEmpty();
    }
}
