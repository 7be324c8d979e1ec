package dev.wgmesh.deployer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.testing.WireGuardTools;
import dev.wgmesh.deployer.TestGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Written files pass {@code wg-quick strip} and load with {@code wg setconf}. Skipped, saying why, without
 * root or wireguard-tools; a failure instead with WGMESH_REQUIRE_ROOT_TESTS=1.
 */
class WgQuickStripTest {

    @TempDir
    Path out;

    @Test
    void writtenFilesPassWgQuickStripAndWgSetconf() throws Exception {
        WireGuardTools.assumeAvailable();
        PeerTables peerTables = new PeerTables(Duration.ofSeconds(1));
        Deployer deployer = new Deployer(new SecretFiller(List.of(TestGroup.DEPLOYER.privateKey())), peerTables,
                new FileTarget(out), new StateStore(out.resolve(".wgmesh-state")), "replica-a");
        for (HostConfigRendered record : new TestGroup("g1", 4).render(1).values()) {
            deployer.deploy(record).orElseThrow();
        }
        TestGroup mesh = TestGroup.mesh("m1", 3);
        peerTables.put(mesh.peerTable(1));
        for (HostConfigRendered record : mesh.renderNamingPeerTable(1).values()) {
            deployer.deploy(record).orElseThrow();
        }
        List<Path> files;
        try (Stream<Path> paths = Files.walk(out.resolve("g1"))) {
            files = paths.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertThat(files).hasSize(1 + 2 + 3 + 3); // hoster: host k has min(k, n-1) interfaces

        for (Path file : files) {
            assertThat(WireGuardTools.strip(file)).contains("[Interface]", "PrivateKey = ", "PresharedKey = ")
                    .doesNotContain("Address = ", "MTU = ");
        }
        WireGuardTools.setconf(out.resolve("g1/h1/wg-1.conf")); // the owner of network 1, three peers
        WireGuardTools.setconf(out.resolve("g1/h4/wg-3.conf"));
        // a mesh host's file, written from its record and the group's peer table
        assertThat(WireGuardTools.strip(out.resolve("m1/h2/wg0.conf"))).contains("[Interface]", "PresharedKey = ")
                .doesNotContain("Address = ");
        WireGuardTools.setconf(out.resolve("m1/h2/wg0.conf"));
    }
}
