package dev.wgmesh.config.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.render.GroupRenderer;
import dev.wgmesh.common.render.HostFiles;
import dev.wgmesh.common.testing.TestGroups;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The live feed and the host detail against a real broker: records produced by anyone reach an SSE client. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api.insecure-no-auth=true"})
class LiveFeedApiTest {

    private static final String GROUP = "ui-lab";

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Autowired
    EventFeed feed;

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final List<String> rawLines = new ArrayList<>();
    private CompletableFuture<HttpResponse<Void>> stream;
    private KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void connect() throws Exception {
        assertThat(feed.isRunning()).as("the feed follows the topics once the context has started").isTrue();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
                new StringSerializer(), new ByteArraySerializer());
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/events")).header("Accept", "text/event-stream").build();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        stream = http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                synchronized (rawLines) {
                    rawLines.add(line);
                }
                opened.complete(null);
                if (line.startsWith("data:")) {
                    received.add(EventJson.mapper().readTree(line.substring(5)));
                }
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        }));
        opened.get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        stream.cancel(true);
        producer.close();
    }

    @Test
    void everyRecordReachesTheStreamAndTheHostDetailShowsKeysAndRollout() throws Exception {
        String body = TestGroups.hosterJson(3);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri("/api/v1/groups/" + GROUP))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);

        JsonNode changed = await(e -> e.path("topic").asString().equals(Topics.HOST_GROUP_CHANGED));
        assertThat(changed.path("key").asString()).isEqualTo(GROUP);
        assertThat(changed.path("headers").path("ce_type").asString()).isEqualTo("dev.wgmesh.host-group-changed.v1");
        assertThat(changed.path("value").path("revision").asLong()).isEqualTo(1);
        String correlationId = changed.path("value").path("correlationId").asString();

        // keygen's and a deployer's part, produced here as those services would
        HostGroupKeysGenerated keyed = TestGroups.keyed(GROUP, 1, TestGroups.spec(body)).event();
        keyed = new HostGroupKeysGenerated(keyed.eventId(), keyed.group(), 1, keyed.occurredAt(),
                UUID.fromString(correlationId), keyed.cause(), keyed.spec(), keyed.hosts(), keyed.presharedKeySeed());
        producer.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, keyed, TestTrust.signer(Signer.KEYGEN))).get();
        Map<HostName, HostFiles> files = GroupRenderer.render(keyed);
        HostName second = HostName.parse("hoster-zima-0102");
        HostName third = HostName.parse("hoster-zima-0103");
        report(keyed, second, DeploymentReported.Outcome.APPLIED, null, files.get(second).contentHash());
        report(keyed, third, DeploymentReported.Outcome.FAILED, "wg-quick up failed", files.get(third).contentHash());
        producer.send(new ProducerRecord<>(Topics.HOST_GROUP_COMMANDS, "cmd-ui-lab",
                TestGroups.hosterJson(2).getBytes())).get();

        JsonNode keys = await(e -> e.path("topic").asString().equals(Topics.HOST_GROUP_KEYS_GENERATED));
        assertThat(keys.path("value").path("correlationId").asString()).isEqualTo(correlationId);
        JsonNode failed = await(e -> e.path("value").path("outcome").asString().equals("FAILED"));
        assertThat(failed.path("key").asString()).isEqualTo(GROUP + "/hoster-zima-0103");
        JsonNode command = await(e -> e.path("topic").asString().equals(Topics.HOST_GROUP_COMMANDS));
        assertThat(command.toString()).contains("hoster-zima-0101").doesNotContain("123456", "auth_");

        JsonNode detail = awaitDetail(second, d -> d.path("lastReport").path("outcome").asString().equals("APPLIED"));
        assertThat(detail.path("publicKey").asString()).isEqualTo(keyed.hosts().get(1).publicKey().base64());
        assertThat(detail.path("status").path("state").asString()).isEqualTo("APPLIED");
        assertThat(detail.path("status").path("appliedRevision").asLong()).isEqualTo(1);
        assertThat(detail.path("host").path("endpoint").asString()).isEqualTo("192.168.8.162:51821");
        // host 2 of 3 in hoster: an interface in host 1's network and its own with host 3 as the peer
        JsonNode interfaces = detail.path("interfaces");
        assertThat(interfaces.size()).isEqualTo(2);
        JsonNode peer = interfaces.get(0).path("peers").get(0);
        assertThat(peer.path("host").asString()).isEqualTo("hoster-zima-0101");
        assertThat(peer.path("publicKey").asString()).isEqualTo(keyed.hosts().get(0).publicKey().base64());
        assertThat(peer.path("endpoint").asString()).isEqualTo("192.168.8.161:51821");
        assertThat(peer.path("allowedIps").toString()).contains("10.10.101.0/24");
        assertThat(detail.toString()).doesNotContain("v2.", keyed.presharedKeySeed().toString());

        JsonNode failedDetail = awaitDetail(third, d -> d.path("status").path("state").asString().equals("FAILED"));
        assertThat(failedDetail.path("status").path("reason").asString()).isEqualTo("wg-quick up failed");
        assertThat(failedDetail.path("lastReport").path("reason").asString()).isEqualTo("wg-quick up failed");

        assertThat(http.send(HttpRequest.newBuilder(uri("/api/v1/groups/" + GROUP + "/hosts/nobody")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(uri("/api/v1/groups/no-group/hosts/nobody")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        synchronized (rawLines) {
            assertThat(rawLines).anyMatch(line -> line.startsWith("id:" + Topics.HOST_GROUP_CHANGED + "-"));
        }
    }

    @Test
    void aRecordNoTrustedKeySignedNeverReachesTheStream() throws Exception {
        HostName host = HostName.parse("hoster-zima-0101");
        // an attacker who can write the topic: a report unsigned, then signed with the renderer's key
        DeploymentReported lie = new DeploymentReported(UUID.randomUUID(), GroupName.parse(GROUP), 1, Instant.now(),
                UUID.randomUUID(), host, DeploymentReported.Outcome.FAILED, "forged by an attacker", null, "deployer-1", 12);
        producer.send(new ProducerRecord<>(Topics.DEPLOYMENT_REPORTED, lie.recordKey(), EventJson.write(lie))).get();
        producer.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, lie, TestTrust.signer(Signer.RENDERER))).get();
        DeploymentReported genuine = new DeploymentReported(UUID.randomUUID(), GroupName.parse(GROUP), 1, Instant.now(),
                UUID.randomUUID(), host, DeploymentReported.Outcome.FAILED, "signed by a deployer", null, "deployer-1", 12);
        producer.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, genuine, TestTrust.signer(Signer.DEPLOYER))).get();

        // the same key, so the same partition: the lies came before the genuine report
        await(e -> e.path("topic").asString().equals(Topics.DEPLOYMENT_REPORTED)
                && e.path("value").path("reason").asString().equals("signed by a deployer"));
        List<JsonNode> all = new ArrayList<>(received);
        assertThat(all).noneMatch(e -> e.path("topic").asString().equals(Topics.DEPLOYMENT_REPORTED)
                && e.path("value").path("reason").asString().equals("forged by an attacker"));
    }

    @Test
    void thePageIsServedAtTheRoot() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>wgmesh</title>");
    }

    private void report(HostGroupKeysGenerated keyed, HostName host, DeploymentReported.Outcome outcome, String reason,
                        String hash) throws Exception {
        DeploymentReported report = new DeploymentReported(UUID.randomUUID(), GroupName.parse(GROUP), keyed.revision(),
                Instant.now(), keyed.correlationId(), host, outcome, reason, hash, "deployer-1", 12);
        producer.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, report, TestTrust.signer(Signer.DEPLOYER))).get();
    }

    private JsonNode await(Predicate<JsonNode> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<JsonNode> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            JsonNode next = received.poll(200, TimeUnit.MILLISECONDS);
            if (next != null && wanted.test(next)) {
                received.addAll(seen);
                return next;
            }
            if (next != null) {
                seen.add(next);
            }
        }
        throw new AssertionError("no such event on the stream; seen: " + seen);
    }

    private JsonNode awaitDetail(HostName host, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    uri("/api/v1/groups/" + GROUP + "/hosts/" + host)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            last = EventJson.mapper().readTree(response.body());
            if (wanted.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the host detail never matched; last: " + last);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
