package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.ChangeCause;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The key rotation schedule through a real broker: a converged group whose key pairs are older than its
 * {@code hostKeyMaxAge} gets one scheduled rotation, and no second one before that rotation was keyed and rolled out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api.insecure-no-auth=true",
        "wgmesh.rotation-check-interval=200ms"})
class RotationScheduleApiTest {

    private static final String GROUP = "rotating";

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Test
    void anOldKeyOfAConvergedGroupIsRotatedOnceBySchedule() throws Exception {
        TestHttp http = new TestHttp(port);
        TestKafka kafka = new TestKafka(brokers);
        assertThat(http.put("/api/v1/groups/" + GROUP, """
                {"topology": "mesh", "tunnelNetwork": "10.96.0.0/24", "keyRotation": {"hostKeyMaxAge": "PT1M"}, "hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820"}, {"name": "b", "endpoint": "192.0.2.2:51820"}]}""")
                .status()).isEqualTo(201);
        assertThat(http.get("/api/v1/groups/" + GROUP).body()).contains("\"keyRotation\":{\"hostKeyMaxAge\":\"PT1M\"}");
        HostGroupChanged created = EventJson.read(kafka.records(Topics.HOST_GROUP_CHANGED, GROUP).get(0).value(),
                HostGroupChanged.class);
        // keys made long ago (Fixtures.KEYS_MADE): both pairs are due, yet nothing happens before the group converged
        HostGroupKeysGenerated keyed = Fixtures.keyed(created, null);
        kafka.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, keyed, TestTrust.signer(Signer.KEYGEN)));
        Thread.sleep(1_000);
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, GROUP)).hasSize(1);

        for (HostFiles host : GroupRenderer.render(keyed).values()) {
            kafka.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, Fixtures.report(created.group(), host.host().value(),
                    1, DeploymentReported.Outcome.APPLIED, host.contentHash()), TestTrust.signer(Signer.DEPLOYER)));
        }
        List<HostGroupChanged> changes = kafka.await(Topics.HOST_GROUP_CHANGED, GROUP, 2).stream()
                .map(record -> EventJson.read(record.value(), HostGroupChanged.class)).toList();
        HostGroupChanged scheduled = changes.get(1);
        assertThat(scheduled.cause()).isEqualTo(ChangeCause.SCHEDULED_ROTATION);
        assertThat(scheduled.rotatedHost().value()).isEqualTo("a");
        assertThat(scheduled.actor().value()).isEqualTo("schedule");

        // the rotation is not keyed yet, so b (due as well) waits: one host's tunnels at a time
        Thread.sleep(1_500);
        assertThat(kafka.records(Topics.HOST_GROUP_CHANGED, GROUP)).hasSize(2);
    }
}
