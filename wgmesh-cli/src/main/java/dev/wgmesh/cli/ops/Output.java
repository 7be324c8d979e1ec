package dev.wgmesh.cli.ops;

import dev.wgmesh.common.events.EventJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/** {@code -o table|json|yaml}: tables for people, the API's own JSON (or the same as YAML) for scripts. */
enum Output {
    table, json, yaml;

    static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLWriteFeature.WRITE_DOC_START_MARKER).build();

    /** The answer as JSON or YAML; {@code table} is each command's own. */
    static String write(Output format, JsonNode node) {
        return switch (format) {
            case yaml -> YAML.writeValueAsString(node).stripTrailing();
            case json -> EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
            case table -> throw new IllegalArgumentException("a table is each command's own");
        };
    }
}
