package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.deployer.TestGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every written file passes {@code wg-quick strip}; skipped where wireguard-tools or root are missing. */
class WgQuickStripTest {

    @TempDir
    Path out;

    @Test
    void writtenFilesPassWgQuickStrip() throws Exception {
        requireWgQuickAsRoot();
        Deployer deployer = new Deployer(new SecretFiller(TestGroup.DEPLOYER.privateKey()), new FileTarget(out),
                new StateStore(out.resolve(".wgmesh-state")), "replica-a");
        for (HostConfigRendered record : new TestGroup("g1", 4).render(1).values()) {
            deployer.deploy(record).orElseThrow();
        }
        List<Path> files;
        try (Stream<Path> paths = Files.walk(out.resolve("g1"))) {
            files = paths.filter(p -> p.toString().endsWith(".conf")).toList();
        }
        assertThat(files).hasSize(1 + 2 + 3 + 3); // hoster: host k has min(k, n-1) interfaces
        for (Path file : files) {
            Process strip = new ProcessBuilder("wg-quick", "strip", file.toString()).redirectErrorStream(true).start();
            assertThat(strip.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(strip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(strip.exitValue()).as("wg-quick strip %s: %s", file, output.lines().filter(
                    l -> !l.contains("Key")).toList()).isZero();
            assertThat(output).contains("[Interface]").contains("PrivateKey = ").doesNotContain("Address = ");
        }
    }

    private static void requireWgQuickAsRoot() throws Exception {
        boolean required = "1".equals(System.getenv("WGMESH_REQUIRE_ROOT_TESTS"));
        String missing = null;
        if (Stream.of(System.getenv("PATH").split(":")).noneMatch(dir -> Files.isExecutable(Path.of(dir, "wg-quick")))) {
            missing = "wg-quick is not installed (apt-get install --no-install-recommends wireguard-tools)";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            missing = "wg-quick strip needs root (it re-runs itself with sudo otherwise)";
        }
        if (missing != null) {
            if (required) {
                fail(missing + ", and WGMESH_REQUIRE_ROOT_TESTS=1");
            }
            Assumptions.abort("skipped: " + missing);
        }
    }
}
