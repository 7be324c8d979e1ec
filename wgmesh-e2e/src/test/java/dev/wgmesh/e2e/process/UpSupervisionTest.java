package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.e2e.Api;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code wgmesh up} as a user runs it (the command's main in its own JVM), with three deployers: one killed with
 * SIGKILL is started again and the group converges at a new revision, every host APPLIED; SIGTERM then stops every
 * process it started and it exits 0.
 */
class UpSupervisionTest {

    private static final String GROUP = "hoster-6-hosts";

    @Test
    void aKilledDeployerComesBackAndSigtermStopsEverythingCleanly() throws Exception {
        int port = UpRun.freeApiPort();
        try (UpRun up = UpRun.start("UpSupervisionTest", List.of("--deployers", "3",
                "--port", Integer.toString(port), "--kafka-port", Integer.toString(UpRun.freeKafkaPorts(1)),
                "--timeout", "300"))) {
            up.awaitOutput(UpRun.READY, Duration.ofMinutes(6));
            Api api = up.api(port);
            assertThat(Files.readString(up.workDir().resolve("data/url")).trim()).isEqualTo(api.base());

            long victim = up.pidOf("deployer-service-2");
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            up.awaitOutput("[wgmesh] deployer-service-2 exited (code 137); restarting in 1 s", Duration.ofSeconds(30));
            up.awaitOutput("[wgmesh] restarted deployer-service-2 (pid ", Duration.ofSeconds(30));
            assertThat(up.pidOf("deployer-service-2")).isNotEqualTo(victim);

            // a change after the kill: every host applies it, whichever replica owns it now
            Api.Response rotated = api.post("/api/v1/groups/" + GROUP + "/hosts/hoster-node-02/rotate-keys");
            assertThat(rotated.status()).as(rotated.text()).isEqualTo(202);
            long revision = rotated.body().path("revision").asLong();
            JsonNode status = api.awaitConverged(GROUP, revision, Duration.ofMinutes(3));
            assertThat(status.path("hosts")).hasSize(6).allSatisfy(host -> {
                assertThat(host.path("state").asString()).isEqualTo("APPLIED");
                assertThat(host.path("appliedRevision").asLong()).isGreaterThanOrEqualTo(revision);
            });
            assertThat(up.process().isAlive()).isTrue();

            assertThat(up.allPids()).hasSizeGreaterThanOrEqualTo(8);
            int exit = up.stop(Duration.ofMinutes(3));
            String said = up.output();
            assertThat(exit).as(said).isZero();
            assertThat(said).contains("[wgmesh] terminated", "[wgmesh] stopping the services", "[wgmesh] stopping Kafka",
                    "[wgmesh] stopped");
            assertThat(said.indexOf("stopping the services")).isLessThan(said.indexOf("stopping Kafka"));
        }
    }
}
