package dev.wgmesh.cli.ops;

import dev.wgmesh.common.events.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A group file as {@code apply} and {@code plan} send it: JSON when its first character is <code>{</code>, else
 * YAML; sent as it is, with its media type, so the server checks it and names its problems.
 *
 * @param name     the group it names ({@code "name"}), else the file's name without .json/.yaml/.yml; null for stdin
 * @param revision the {@code "revision"} it was read at (a file saved by {@code get group}), null if none
 */
record GroupFile(String name, Long revision, byte[] bytes, String contentType) {

    static final String JSON = "application/json";
    static final String YAML = "application/yaml";

    /** @param file the file, or {@code -} for standard input */
    static GroupFile read(String file, InputStream stdin) {
        boolean fromStdin = file.equals("-");
        byte[] bytes;
        try {
            bytes = fromStdin ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new Failure(Failure.FAILED, "cannot read " + file + ": " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.UTF_8).stripLeading();
        boolean json = text.startsWith("{");
        JsonNode tree;
        try {
            tree = json ? EventJson.mapper().readTree(bytes) : Output.YAML.readTree(bytes);
        } catch (JacksonException e) {
            var at = e.getLocation();
            throw new Failure(Failure.FAILED, file + " is not " + (json ? "JSON" : "YAML")
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + ": " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new Failure(Failure.FAILED, file + " holds no group: it must be an object with the group's settings and hosts");
        }
        String name = tree.path("name").isString() ? tree.path("name").asString() : fromStdin ? null : baseName(file);
        Long revision = tree.path("revision").canConvertToLong() ? tree.path("revision").asLong() : null;
        return new GroupFile(name, revision, bytes, json ? JSON : YAML);
    }

    /** The group this file goes to: {@code --group}, else its own name. */
    String group(String option) {
        if (option != null) {
            return option;
        }
        if (name == null) {
            throw new Failure(Failure.USAGE, "the group has no \"name\": give it with --group");
        }
        return name;
    }

    private static String baseName(String file) {
        return Path.of(file).getFileName().toString().replaceFirst("\\.(json|ya?ml)$", "");
    }
}
