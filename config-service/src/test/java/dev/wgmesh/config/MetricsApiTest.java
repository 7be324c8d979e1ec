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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/** {@code /actuator/prometheus} on the API's port: the group meters with real values, nothing else exposed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api.insecure-no-auth=true"})
@EmbeddedKafka(brokerProperties = {"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1"})
class MetricsApiTest {

    @LocalServerPort
    int port;

    /** This context's broker: the brokers' system property names the broker of whichever context started last. */
    @Autowired
    EmbeddedKafkaBroker broker;

    TestHttp http;
    TestKafka kafka;

    @BeforeEach
    void clients() {
        http = new TestHttp(port);
        kafka = new TestKafka(broker.getBrokersAsString());
    }

    @Test
    void aGroupThatConvergesIsCountedAndItsRolloutTimed() throws Exception {
        assertThat(http.put("/api/v1/groups/metrics-lab", """
                {"topology": "mesh", "tunnelNetwork": "10.97.0.0/24", "hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820"}, {"name": "b", "endpoint": "192.0.2.2:51820"}]}""")
                .status()).isEqualTo(201);
        HostGroupChanged change = EventJson.read(
                kafka.records(Topics.HOST_GROUP_CHANGED, "metrics-lab").get(0).value(), HostGroupChanged.class);
        HostGroupKeysGenerated keyed = Fixtures.keyed(change, null);
        kafka.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, keyed, TestTrust.signer(Signer.KEYGEN)));
        String pending = awaitScrape("wgmesh_group_converged{group=\"metrics-lab\"} 0.0");
        assertThat(pending).contains("wgmesh_rollout_seconds_count 0");
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
        String converged = awaitScrape("wgmesh_rollout_seconds_count 1");
        assertThat(converged).contains("wgmesh_group_converged{group=\"metrics-lab\"} 1.0");
        double seconds = Double.parseDouble(converged.lines().filter(l -> l.startsWith("wgmesh_rollout_seconds_sum "))
                .findFirst().orElseThrow().split(" ")[1]);
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
