package dev.wgmesh.renderer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.wireguard.WgConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every host's wg-quick files for the test groups, compared byte for byte with the files under
 * src/test/resources/golden. After an intended change, regenerate them with
 * {@code ./mvnw -o -q -pl renderer-service verify -Dwgmesh.golden.update=true} and review the diff.
 */
class GoldenFilesTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("wgmesh.golden.update");

    @ParameterizedTest
    @ValueSource(strings = {"hoster-4", "hoster-6", "mesh-4"})
    void renderedFilesEqualTheGoldenFiles(String group) throws IOException {
        HostGroupKeysGenerated keyed = FixedKeyGroups.keyed(group, FixedKeyGroups.spec(group), 1);
        Map<String, String> rendered = new TreeMap<>();
        for (HostFiles files : GroupRenderer.render(keyed).values()) {
            for (WgConfig config : files.interfaces()) {
                rendered.put(files.host() + "/" + config.name().fileName(), FixedKeyGroups.confText(keyed.group(), files, config));
            }
        }
        compare(GOLDEN.resolve(group), rendered);
    }

    /** One host's record as it goes on the topic: only public keys and sealed secrets, readable with kcat. */
    @ParameterizedTest
    @ValueSource(strings = {"hoster-6"})
    void renderedEventEqualsTheGoldenJson(String group) throws IOException {
        HostGroupKeysGenerated keyed = FixedKeyGroups.keyed(group, FixedKeyGroups.spec(group), 1);
        HostFiles files = GroupRenderer.render(keyed).values().stream().skip(2).findFirst().orElseThrow();
        HostConfigRendered event = files.asEvent(UUID.nameUUIDFromBytes(new byte[0]), keyed, FixedKeyGroups.OCCURRED_AT,
                null);
        String json = EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(event) + "\n";
        compare(GOLDEN.resolve(group + "-event"), Map.of(files.host() + ".json", json));
        assertThat(json).doesNotContain(FixedKeyGroups.hostKeys(keyed.group(), files.host()).privateKey().base64());
    }

    private static void compare(Path dir, Map<String, String> rendered) throws IOException {
        if (UPDATE) {
            if (Files.exists(dir)) {
                try (Stream<Path> old = Files.walk(dir)) {
                    old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            for (var file : rendered.entrySet()) {
                Path path = dir.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            }
        }
        Map<String, String> golden = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.filter(Files::isRegularFile).toList()) {
                golden.put(dir.relativize(path).toString().replace('\\', '/'), Files.readString(path, StandardCharsets.UTF_8));
            }
        }
        assertThat(rendered.keySet()).as("files under %s", dir).containsExactlyInAnyOrderElementsOf(golden.keySet());
        rendered.forEach((name, text) -> assertThat(text).as("%s/%s (regenerate with -Dwgmesh.golden.update=true)",
                dir, name).isEqualTo(golden.get(name)));
    }
}
