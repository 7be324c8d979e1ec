package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With a token configured, changes and the live feed need it; reads and the UI stay open; the token is never logged. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api-token=" + ApiTokenTest.TOKEN})
@ExtendWith(OutputCaptureExtension.class)
class ApiTokenTest {

    static final String TOKEN = "tok-3f9a1c7e5b2d4068";

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Test
    void changesAndTheFeedNeedTheToken(CapturedOutput output) throws Exception {
        TestHttp http = new TestHttp(port);
        TestKafka kafka = new TestKafka(brokers);
        // the module's broker holds the commands of earlier test classes
        long commands = kafka.count(Topics.HOST_GROUP_COMMANDS);
        var refused = http.put("/api/v1/groups/locked", GroupApiTest.HOSTER_GROUP);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("errors").get(0).get("field").stringValue()).isEqualTo("Authorization");
        assertThat(http.put("/api/v1/groups/locked", GroupApiTest.HOSTER_GROUP, "Authorization", "Bearer wrong").status()).isEqualTo(401);
        assertThat(http.delete("/api/v1/groups/locked").status()).isEqualTo(401);
        assertThat(http.post("/api/v1/groups/locked/rotate-keys").status()).isEqualTo(401);
        assertThat(kafka.count(Topics.HOST_GROUP_COMMANDS)).isEqualTo(commands);

        var created = http.put("/api/v1/groups/locked", GroupApiTest.HOSTER_GROUP, "Authorization", "Bearer " + TOKEN);
        assertThat(created.status()).isEqualTo(201);
        assertThat(http.get("/api/v1/groups").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/groups/locked").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/groups/locked/status").status()).isEqualTo(200);

        HttpClient client = HttpClient.newHttpClient();
        URI events = URI.create("http://127.0.0.1:" + port + "/api/v1/events");
        HttpResponse<Void> noToken = client.send(HttpRequest.newBuilder(events).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"wgmesh\"");
        var stream = client.sendAsync(HttpRequest.newBuilder(events).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofInputStream()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        stream.body().close();

        assertThat(output.getAll()).doesNotContain(TOKEN);
    }
}
