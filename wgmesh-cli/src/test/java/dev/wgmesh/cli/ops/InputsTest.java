package dev.wgmesh.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the API is, and group files in JSON and YAML. */
class InputsTest {

    private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]);

    @TempDir
    Path dir;

    @Test
    void theOptionWinsOverTheEnvironmentWhichWinsOverWhatUpLeft() throws IOException {
        Path data = dir.resolve("wgmesh-data");
        assertThat(Target.resolve(null, null, Map.of(), data)).isEqualTo(new Target(URI.create(Target.DEFAULT_URL), null));

        Files.createDirectories(data);
        Files.writeString(data.resolve("url"), "http://127.0.0.1:18080/\n");
        Files.writeString(data.resolve("api-token"), "from-file\n");
        assertThat(Target.resolve(null, null, Map.of(), data))
                .isEqualTo(new Target(URI.create("http://127.0.0.1:18080"), "from-file"));

        Map<String, String> env = Map.of("WGMESH_URL", "https://wgmesh.example:8443", "WGMESH_TOKEN", "from-env");
        assertThat(Target.resolve(null, null, env, data)).isEqualTo(new Target(URI.create("https://wgmesh.example:8443"), "from-env"));
        assertThat(Target.resolve("http://10.0.0.1:9000", "from-option", env, data))
                .isEqualTo(new Target(URI.create("http://10.0.0.1:9000"), "from-option"));
    }

    @Test
    void anAddressThatIsNoHttpUrlIsAUsageError() {
        for (String bad : new String[] {"127.0.0.1:8080", "ftp://host", "http://", "not a url"}) {
            assertThatThrownBy(() -> Target.resolve(bad, null, Map.of(), dir)).as(bad).isInstanceOfSatisfying(Failure.class,
                    failure -> {
                        assertThat(failure.exitCode()).isEqualTo(Failure.USAGE);
                        assertThat(failure.getMessage()).contains("\"" + bad + "\"", "is not an http(s) URL");
                    });
        }
    }

    @Test
    void aJsonFileNamesItsGroupAndRevision() throws IOException {
        Path file = Files.writeString(dir.resolve("lab.json"), " {\"name\": \"seed\", \"revision\": 3, \"hosts\": []}");
        GroupFile group = GroupFile.read(file.toString(), NO_STDIN);
        assertThat(group).extracting(GroupFile::name, GroupFile::revision, GroupFile::contentType)
                .containsExactly("seed", 3L, GroupFile.JSON);
        assertThat(group.group(null)).isEqualTo("seed");
        assertThat(group.group("other")).isEqualTo("other");
        assertThat(new String(group.bytes(), StandardCharsets.UTF_8)).isEqualTo(Files.readString(file));
    }

    @Test
    void aYamlFileWithoutANameIsNamedByItsFileName() throws IOException {
        Path file = Files.writeString(dir.resolve("office.yaml"), "# the office\nhosts:\n  - name: h1\n    endpoint: 192.0.2.1:51820\n");
        GroupFile group = GroupFile.read(file.toString(), NO_STDIN);
        assertThat(group).extracting(GroupFile::name, GroupFile::revision, GroupFile::contentType)
                .containsExactly("office", null, GroupFile.YAML);
    }

    @Test
    void stdinHasNoFileNameSoTheGroupMustBeNamed() {
        GroupFile group = GroupFile.read("-", new ByteArrayInputStream("hosts: []\n".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> group.group(null)).isInstanceOfSatisfying(Failure.class,
                failure -> assertThat(failure.getMessage()).contains("--group"));
        assertThat(group.group("seed")).isEqualTo("seed");
    }

    @Test
    void brokenFilesAreToldWithTheirLine() throws IOException {
        Path yaml = Files.writeString(dir.resolve("broken.yaml"), "hosts:\n  - name: h1\n   endpoint: [\n");
        assertThatThrownBy(() -> GroupFile.read(yaml.toString(), NO_STDIN)).isInstanceOfSatisfying(Failure.class, failure -> {
            assertThat(failure.exitCode()).isEqualTo(Failure.FAILED);
            assertThat(failure.getMessage()).startsWith(yaml + " is not YAML (line ");
        });
        Path json = Files.writeString(dir.resolve("broken.json"), "{\"hosts\": [\n");
        assertThatThrownBy(() -> GroupFile.read(json.toString(), NO_STDIN))
                .hasMessageStartingWith(json + " is not JSON (line ");
        Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
        assertThatThrownBy(() -> GroupFile.read(list.toString(), NO_STDIN)).hasMessageContaining("holds no group");
        assertThatThrownBy(() -> GroupFile.read(dir.resolve("missing.json").toString(), NO_STDIN))
                .hasMessageStartingWith("cannot read ");
    }
}
