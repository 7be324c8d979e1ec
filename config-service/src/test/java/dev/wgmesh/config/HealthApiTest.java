package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.common.wireguard.Endpoint;
import dev.wgmesh.config.domain.Fixtures;
import dev.wgmesh.kafka.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/groups/{g}/health} from signed HostHealthReported records on the real broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api.insecure-no-auth=true"})
class HealthApiTest {

    private static final RecordSigner DEPLOYER = TestTrust.signer(Signer.DEPLOYER);
    private static final GroupName GROUP = GroupName.parse("health-lab");

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Autowired
    MeterRegistry meters;

    TestHttp http;
    TestKafka kafka;

    @BeforeEach
    void clients() {
        http = new TestHttp(port);
        kafka = new TestKafka(brokers);
    }

    @Test
    void healthIsEveryDeclaredHostsLatestSignedObservation() throws Exception {
        assertThat(http.put("/api/v1/groups/health-lab", """
                {"topology": "mesh", "tunnelNetwork": "10.99.0.0/24", "hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820"}, {"name": "b", "endpoint": "192.0.2.2:51820"},
                  {"name": "c", "endpoint": "192.0.2.3:51820"}]}""").status()).isEqualTo(201);
        HostGroupChanged change = EventJson.read(
                kafka.records(Topics.HOST_GROUP_CHANGED, "health-lab").get(0).value(), HostGroupChanged.class);
        kafka.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, Fixtures.keyed(change, null),
                TestTrust.signer(Signer.KEYGEN)));

        // a and b report every tunnel up; c was never observed
        kafka.send(health("a", Drift.IN_SYNC, List.of(), link("b", LinkState.UP), link("c", LinkState.UP)));
        kafka.send(health("b", Drift.IN_SYNC, List.of(), link("a", LinkState.UP), link("c", LinkState.UP)));
        JsonNode partial = awaitHealth(h -> h.get("links").get("up").intValue() == 4);
        assertThat(partial.propertyNames()).containsExactly("group", "healthy", "links", "hosts");
        assertThat(partial.get("group").stringValue()).isEqualTo("health-lab");
        assertThat(partial.get("healthy").booleanValue()).isFalse();
        assertThat(partial.get("links").get("total").intValue()).isEqualTo(6);
        JsonNode a = partial.get("hosts").get(0);
        assertThat(a.get("host").stringValue()).isEqualTo("a");
        assertThat(a.get("drift").stringValue()).isEqualTo("IN_SYNC");
        assertThat(a.get("observedAt").stringValue()).isNotBlank();
        JsonNode ab = a.get("links").get(0);
        assertThat(ab.propertyNames()).contains("peer", "state", "latestHandshake", "rxBytes", "txBytes");
        assertThat(ab.get("peer").stringValue()).isEqualTo("b");
        assertThat(ab.get("state").stringValue()).isEqualTo("UP");
        assertThat(ab.get("rxBytes").longValue()).isEqualTo(1234);
        JsonNode c = partial.get("hosts").get(2);
        assertThat(c.get("drift").stringValue()).isEqualTo("UNKNOWN");
        assertThat(c.get("observedAt").isNull()).isTrue();

        // c sees a down: still not healthy
        kafka.send(health("c", Drift.IN_SYNC, List.of(), link("a", LinkState.DOWN), link("b", LinkState.UP)));
        JsonNode down = awaitHealth(h -> h.get("links").get("up").intValue() == 5);
        assertThat(down.get("healthy").booleanValue()).isFalse();
        assertThat(down.get("hosts").get(2).get("links").get(0).get("state").stringValue()).isEqualTo("DOWN");

        kafka.send(health("c", Drift.IN_SYNC, List.of(), link("a", LinkState.UP), link("b", LinkState.UP)));
        assertThat(awaitHealth(h -> h.get("healthy").booleanValue()).get("links").get("up").intValue()).isEqualTo(6);

        // a host that drifted makes the group unhealthy, and says what differs
        kafka.send(health("b", Drift.DRIFTED, List.of("wgmesh-b: peer a has AllowedIPs 10.99.0.9/32"),
                link("a", LinkState.UP), link("c", LinkState.UP)));
        JsonNode drifted = awaitHealth(h -> h.get("hosts").get(1).get("drift").stringValue().equals("DRIFTED"));
        assertThat(drifted.get("healthy").booleanValue()).isFalse();
        assertThat(drifted.get("hosts").get(1).get("differences").get(0).stringValue()).contains("AllowedIPs");
        kafka.send(health("b", Drift.IN_SYNC, List.of(), link("a", LinkState.UP), link("c", LinkState.UP)));
        awaitHealth(h -> h.get("healthy").booleanValue());

        // the deployer's tombstone: the host is not observed any more
        kafka.send(CloudEvents.tombstone(Topics.HOST_HEALTH_REPORTED, "health-lab/c", change, DEPLOYER));
        JsonNode gone = awaitHealth(h -> h.get("hosts").get(2).get("drift").stringValue().equals("UNKNOWN"));
        assertThat(gone.get("healthy").booleanValue()).isFalse();
        assertThat(gone.get("links").get("up").intValue()).isEqualTo(4);
    }

    @Test
    void forgedUnsignedAndForeignHealthChangesNothing() throws Exception {
        assertThat(http.put("/api/v1/groups/forged-health", """
                {"topology": "mesh", "tunnelNetwork": "10.98.0.0/24", "hosts": [
                  {"name": "a", "endpoint": "192.0.2.1:51820"}, {"name": "b", "endpoint": "192.0.2.2:51820"}]}""")
                .status()).isEqualTo(201);
        HostGroupChanged change = EventJson.read(
                kafka.records(Topics.HOST_GROUP_CHANGED, "forged-health").get(0).value(), HostGroupChanged.class);
        kafka.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, Fixtures.keyed(change, null),
                TestTrust.signer(Signer.KEYGEN)));
        GroupName group = change.group();
        kafka.send(CloudEvents.record(Topics.HOST_HEALTH_REPORTED,
                event(group, "a", Drift.IN_SYNC, List.of(), link("b", LinkState.UP)), DEPLOYER));
        kafka.send(CloudEvents.record(Topics.HOST_HEALTH_REPORTED,
                event(group, "b", Drift.IN_SYNC, List.of(), link("a", LinkState.UP)), DEPLOYER));
        awaitHealth("forged-health", h -> h.get("healthy").booleanValue());
        double refusedBefore = refused();

        // a report of a host the group does not declare, signed, is no part of the group's health
        kafka.send(CloudEvents.record(Topics.HOST_HEALTH_REPORTED,
                event(group, "intruder", Drift.DRIFTED, List.of("intruder"), link("a", LinkState.DOWN)), DEPLOYER));
        // an attacker with write access to the topic claims a drift and a dead tunnel: with a plain producer,
        // then signed with the renderer's key
        HostHealthReported lie = event(group, "a", Drift.DRIFTED, List.of("hacked"), link("b", LinkState.DOWN));
        kafka.send(Topics.HOST_HEALTH_REPORTED, "forged-health/a", EventJson.write(lie));
        kafka.send(CloudEvents.record(Topics.HOST_HEALTH_REPORTED, lie, TestTrust.signer(Signer.RENDERER)));

        // the health board's reader refused both records (the live feed, with no client, reads none of them)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (refused() < refusedBefore + 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(refused()).isEqualTo(refusedBefore + 2);
        JsonNode health = http.get("/api/v1/groups/forged-health/health").json();
        assertThat(health.get("healthy").booleanValue()).isTrue();
        assertThat(health.get("hosts")).hasSize(2);
        assertThat(health.toString()).doesNotContain("hacked", "intruder", "DOWN", "DRIFTED");
    }

    private double refused() {
        var counter = meters.find(DeadLetters.UNTRUSTED_COUNTER).tag("topic", Topics.HOST_HEALTH_REPORTED).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anUnknownGroupIsAProblem() throws Exception {
        var response = http.get("/api/v1/groups/nobody/health");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors")).isNotEmpty();
    }

    private static org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> health(
            String host, Drift drift, List<String> differences, Link... links) {
        return CloudEvents.record(Topics.HOST_HEALTH_REPORTED, event(GROUP, host, drift, differences, links), DEPLOYER);
    }

    private static HostHealthReported event(GroupName group, String host, Drift drift, List<String> differences,
                                            Link... links) {
        return new HostHealthReported(UUID.randomUUID(), group, 1, Instant.now(), UUID.randomUUID(),
                HostName.parse(host), "replica-1", Instant.now(), drift, differences, new ArrayList<>(List.of(links)));
    }

    private static Link link(String peer, LinkState state) {
        return new Link(HostName.parse(peer), state, state == LinkState.UP ? Instant.now().minusSeconds(20) : null,
                1234, 5678, Endpoint.parse("192.0.2.9:51820"));
    }

    private JsonNode awaitHealth(Predicate<JsonNode> until) throws Exception {
        return awaitHealth(GROUP.value(), until);
    }

    private JsonNode awaitHealth(String group, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode health = http.get("/api/v1/groups/" + group + "/health").json();
        while (!until.test(health) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            health = http.get("/api/v1/groups/" + group + "/health").json();
        }
        assertThat(until).accepts(health);
        return health;
    }
}
