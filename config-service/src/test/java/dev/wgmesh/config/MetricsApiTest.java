package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.config.domain.Fixtures;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code /actuator/prometheus} on the API's port: the group meters with real values, nothing else exposed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api.insecure-no-auth=true"})
class MetricsApiTest {

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    TestHttp http;
    TestKafka kafka;

    @BeforeEach
    void clients() {
        http = new TestHttp(port);
        kafka = new TestKafka(brokers);
    }

    @Test
    void aGroupThatConvergesIsCountedAndItsRolloutTimed() throws Exception {
        // the rollouts of the other test classes that share this context are counted too
        String before = http.get("/actuator/prometheus").body();
        long rollouts = (long) value(before, "wgmesh_rollout_seconds_count");
        double rolloutSeconds = value(before, "wgmesh_rollout_seconds_sum");
        assertThat(http.put("/api/v1/groups/metrics-lab", """
                {"topology": "mesh", "tunnelNetwork": "10.97.0.0/24", "hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820"}, {"name": "b", "endpoint": "192.0.2.2:51820"}]}""")
                .status()).isEqualTo(201);
        HostGroupChanged change = EventJson.read(
                kafka.records(Topics.HOST_GROUP_CHANGED, "metrics-lab").get(0).value(), HostGroupChanged.class);
        HostGroupKeysGenerated keyed = Fixtures.keyed(change, null);
        kafka.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, keyed, TestTrust.signer(Signer.KEYGEN)));
        String pending = awaitScrape("wgmesh_group_converged{group=\"metrics-lab\"} 0.0");
        assertThat(value(pending, "wgmesh_rollout_seconds_count")).isEqualTo(rollouts);
        // each host's key age, from when keygen made the pair (Fixtures.KEYS_MADE)
        double age = Double.parseDouble(awaitScrape("wgmesh_key_age_seconds{group=\"metrics-lab\",host=\"b\"}").lines()
                .filter(l -> l.startsWith("wgmesh_key_age_seconds{group=\"metrics-lab\",host=\"b\"}"))
                .findFirst().orElseThrow().split(" ")[1]);
        assertThat(age).isCloseTo(Duration.between(Fixtures.KEYS_MADE, Instant.now()).toSeconds(), within(5.0));

        Thread.sleep(300);
        for (HostFiles host : GroupRenderer.render(keyed).values()) {
            kafka.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, Fixtures.report(change.group(), host.host().value(),
                    1, DeploymentReported.Outcome.APPLIED, host.contentHash()), TestTrust.signer(Signer.DEPLOYER)));
        }

        // the gauge is computed at the scrape, the rollout timed just after the report: wait for the later one
        String converged = awaitScrape("wgmesh_rollout_seconds_count " + (rollouts + 1));
        assertThat(converged).contains("wgmesh_group_converged{group=\"metrics-lab\"} 1.0");
        double seconds = value(converged, "wgmesh_rollout_seconds_sum") - rolloutSeconds;
        assertThat(seconds).isBetween(0.3, 60.0);
        // as open as the other reads, and without a secret: no sealed key, no token
        assertThat(converged).doesNotContain("v2.", "PrivateKey", "Bearer");
    }

    @Test
    void onlyHealthAndPrometheusAreExposed() throws Exception {
        assertThat(http.get("/actuator/health").status()).isEqualTo(200);
        for (String endpoint : new String[] {"env", "configprops", "beans", "metrics", "heapdump", "loggers"}) {
            assertThat(http.get("/actuator/" + endpoint).status()).as(endpoint).isEqualTo(404);
        }
    }

    /** The value of a metric without tags in a scrape. */
    private static double value(String scrape, String metric) {
        return Double.parseDouble(scrape.lines().filter(l -> l.startsWith(metric + " ")).findFirst().orElseThrow()
                .split(" ")[1]);
    }

    private String awaitScrape(String line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String scrape = http.get("/actuator/prometheus").body();
        while (!scrape.contains(line) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            scrape = http.get("/actuator/prometheus").body();
        }
        assertThat(scrape).contains(line);
        return scrape;
    }
}
