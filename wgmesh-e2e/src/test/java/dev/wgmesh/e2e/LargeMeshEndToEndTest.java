package dev.wgmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.EventJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A 1,000-host mesh through the whole pipeline and a revoke in it: records of hundreds of kilobytes, a million peer entries. */
class LargeMeshEndToEndTest {

    private static final int HOSTS = 1000;

    @TempDir
    Path workDir;

    @Test
    void thousandHostMeshConverges() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start();
             Wgmesh wgmesh = new Wgmesh(broker.bootstrapServers(), workDir, 2)) {
            long started = System.nanoTime();
            Api.Response created = wgmesh.api().put("large", group().toString());
            assertThat(created.status()).as("PUT answer %s", created.body()).isEqualTo(201);
            wgmesh.api().awaitConverged("large", created.body().path("revision").asLong(), Duration.ofMinutes(10));
            System.out.printf("[e2e] %d-host mesh: PUT to converged in %.1f s%n", HOSTS,
                    (System.nanoTime() - started) / 1e9);

            Path groupDir = wgmesh.outDir().resolve("large");
            try (Stream<Path> hosts = Files.list(groupDir)) {
                assertThat(hosts.count()).isEqualTo(HOSTS);
            }
            DeployedFiles one = DeployedFiles.read(groupDir);
            assertThat(one.hosts().get("node-0500").get("wg0").peers()).hasSize(HOSTS - 1);

            // a revoke: every other host's peer list and every pair's preshared key change
            started = System.nanoTime();
            Api.Response revoked = wgmesh.api().post("/api/v1/groups/large/hosts/node-0999/revoke");
            assertThat(revoked.status()).as("revoke answer %s", revoked.body()).isEqualTo(202);
            wgmesh.api().awaitConverged("large", revoked.body().path("revision").asLong(), Duration.ofMinutes(10));
            System.out.printf("[e2e] %d-host mesh: revoke one host to converged in %.1f s%n", HOSTS,
                    (System.nanoTime() - started) / 1e9);
            try (Stream<Path> hosts = Files.list(groupDir)) {
                assertThat(hosts.count()).isEqualTo(HOSTS - 1);
            }
            assertThat(DeployedFiles.read(groupDir).hosts().get("node-0500").get("wg0").peers()).hasSize(HOSTS - 2);
        }
    }

    private static ObjectNode group() {
        ObjectNode group = EventJson.mapper().createObjectNode();
        group.put("topology", "mesh");
        group.put("tunnelNetwork", "10.99.0.0/16");
        group.put("persistentKeepalive", 25);
        ArrayNode hosts = group.putArray("hosts");
        for (int i = 1; i <= HOSTS; i++) {
            ObjectNode host = hosts.addObject();
            host.put("name", String.format("node-%04d", i));
            host.put("endpoint", String.format("node-%04d.example.net:51820", i));
            host.putArray("internalNetworks").add(String.format("10.%d.%d.0/24", 100 + i / 256, i % 256));
        }
        return group;
    }
}
