package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.testing.JsonSchemas;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document at /v3/api-docs against the running API: every endpoint of the controllers is in it,
 * and each status a real call answers is one the document lists for that operation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api-token=" + ApiDocsTest.TOKEN,
        "wgmesh.config.max-body-bytes=65536", "wgmesh.max-changes-per-minute=6"})
class ApiDocsTest {

    static final String TOKEN = "api-docs-test-token";
    private static final String GROUPS = "/api/v1/groups";

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    TestHttp http;

    @BeforeEach
    void client() {
        http = new TestHttp(port);
    }

    /** The document, read as anyone reads it: without the token. */
    private JsonNode document() throws Exception {
        var response = http.get("/v3/api-docs");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.headers().allValues("Content-Security-Policy")).containsExactly("default-src 'self'");
        return response.json();
    }

    /** "METHOD /path/{var}" of every handler method of the service's own controllers. */
    private Set<String> endpoints() {
        Set<String> endpoints = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            Class<?> type = handler.getBeanType();
            // springdoc's own controller and the error page are no part of the API
            if (!type.getPackageName().startsWith("dev.wgmesh") || type.getSimpleName().equals("ErrorEndpoint")) {
                return;
            }
            assertThat(info.getMethodsCondition().getMethods()).as("methods of %s", info).isNotEmpty();
            info.getPathPatternsCondition().getPatternValues().forEach(path -> info.getMethodsCondition().getMethods()
                    .forEach(method -> endpoints.add(method.name() + " " + path)));
        });
        return endpoints;
    }

    @Test
    void theDocumentIsOpenApi31AndOpenToAnyone() throws Exception {
        JsonNode document = document();

        assertThat(document.get("openapi").stringValue()).startsWith("3.1.");
        assertThat(http.get("/v3/api-docs.yaml").body()).startsWith("openapi: 3.1.");
        assertThat(document.get("info").get("title").stringValue()).isEqualTo("wgmesh config-service");
        assertThat(document.get("components").get("securitySchemes").get("apiToken").get("scheme").stringValue())
                .isEqualTo("bearer");
        JsonNode problem = document.get("components").get("schemas").get("Problem");
        assertThat(problem.get("properties").get("errors").get("items").get("$ref").stringValue())
                .isEqualTo("#/components/schemas/ProblemEntry");
        assertThat(problem.get("properties").get("status").get("type").stringValue()).isEqualTo("integer");
        assertThat(document.get("paths").get("/api/v1/events").get("get").get("responses").get("200").get("content")
                .get("text/event-stream").get("schema").get("type").stringValue()).isEqualTo("string");
        // the PUT body's schema is the repository's group file schema, served beside the API
        String ref = document.get("paths").get(GROUPS + "/{group}").get("put").get("requestBody").get("content")
                .get("application/json").get("schema").get("$ref").stringValue();
        var schema = http.get(ref);
        assertThat(schema.status()).isEqualTo(200);
        assertThat(schema.body()).isEqualTo(Files.readString(JsonSchemas.folder().resolve("group.json")));
    }

    @Test
    void everyEndpointOfTheControllersIsInTheDocumentAndNothingElse() throws Exception {
        JsonNode paths = document().get("paths");
        Set<String> documented = new TreeSet<>();
        paths.properties().forEach(path -> path.getValue().propertyNames().forEach(method ->
                documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));

        assertThat(endpoints()).contains("PUT " + GROUPS + "/{group}", "GET /api/v1/events");
        assertThat(documented).containsExactlyInAnyOrderElementsOf(endpoints());
    }

    /** One call the API really answered, and the operation of the document that must list its status. */
    private record Call(String endpoint, int status) {
    }

    /**
     * Waits until changes go through: on a busy machine the commands consumer of a fresh context may take
     * longer than one request's timeout to be assigned its partitions (such a request answers 503 and is
     * never applied).
     */
    private void awaitChanges() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int status;
        do {
            status = put(GROUPS + "/docs-warm-up", GroupApiTest.HOSTER_GROUP, "Bearer " + TOKEN).status();
        } while (status == 503 && System.nanoTime() < deadline);
        assertThat(status).isIn(200, 201);
    }

    @Test
    void everyStatusTheApiAnswersIsInTheDocument() throws Exception {
        awaitChanges();
        String group = GROUPS + "/docs-lab";
        String auth = "Bearer " + TOKEN;
        List<Call> calls = new ArrayList<>();
        // what each call answers is asserted here, so a changed API cannot slip past with a stale document
        calls.add(call("PUT " + GROUPS + "/{group}", put(group, GroupApiTest.HOSTER_GROUP, auth), 201));
        calls.add(call("PUT " + GROUPS + "/{group}", put(group, GroupApiTest.HOSTER_GROUP, auth), 200));
        calls.add(call("PUT " + GROUPS + "/{group}", put(group, GroupApiTest.HOSTER_GROUP, null), 401));
        calls.add(call("PUT " + GROUPS + "/{group}", put(group, "{\"hosts\": [", auth), 400));
        calls.add(call("PUT " + GROUPS + "/{group}", put(group, GroupApiTest.HOSTER_GROUP, auth, "If-Match", "\"99\""), 412));
        calls.add(call("PUT " + GROUPS + "/{group}", put(group, GroupApiTest.HOSTER_GROUP, auth, "Content-Type", "text/plain"), 415));
        calls.add(call("PUT " + GROUPS + "/{group}", put(group, "{\"hosts\": [\"" + "x".repeat(70_000) + "\"]}", auth), 413));
        String oneHost = "{\"hosts\": [" + GroupApiTest.hoster("zima-0101", 1) + "]}";
        calls.add(call("PUT " + GROUPS + "/{group}", put(group, oneHost, auth), 409));
        calls.add(call("POST " + GROUPS + "/{group}/plan", send("POST", group + "/plan", oneHost, auth), 200));
        calls.add(call("POST " + GROUPS + "/{group}/plan", send("POST", group + "/plan", "[]", auth), 400));
        calls.add(call("POST " + GROUPS + "/{group}/plan", send("POST", group + "/plan", oneHost, null), 401));
        calls.add(call("GET " + GROUPS, send("GET", GROUPS, null, null), 200));
        calls.add(call("GET " + GROUPS + "/{group}", send("GET", group, null, null), 200));
        calls.add(call("GET " + GROUPS + "/{group}", send("GET", GROUPS + "/nobody", null, null), 404));
        calls.add(call("GET " + GROUPS + "/{group}", send("GET", GROUPS + "/Bad_Name", null, null), 400));
        calls.add(call("GET " + GROUPS + "/{group}/status", send("GET", group + "/status", null, null), 200));
        calls.add(call("GET " + GROUPS + "/{group}/status", send("GET", GROUPS + "/nobody/status", null, null), 404));
        calls.add(call("GET " + GROUPS + "/{group}/hosts/{host}", send("GET", group + "/hosts/hoster-zima-0102", null, null), 200));
        calls.add(call("GET " + GROUPS + "/{group}/hosts/{host}", send("GET", group + "/hosts/nobody", null, null), 404));
        calls.add(call("POST " + GROUPS + "/{group}/rotate-keys", send("POST", group + "/rotate-keys", null, auth), 202));
        calls.add(call("POST " + GROUPS + "/{group}/rotate-keys", send("POST", GROUPS + "/nobody/rotate-keys", null, auth), 404));
        calls.add(call("POST " + GROUPS + "/{group}/rotate-keys", send("POST", group + "/rotate-keys", null, null), 401));
        calls.add(call("POST " + GROUPS + "/{group}/hosts/{host}/rotate-keys",
                send("POST", group + "/hosts/hoster-zima-0101/rotate-keys", null, auth), 202));
        calls.add(call("POST " + GROUPS + "/{group}/hosts/{host}/rotate-keys",
                send("POST", group + "/hosts/nobody/rotate-keys", null, auth), 404));
        calls.add(call("POST " + GROUPS + "/{group}/hosts/{host}/rotate-keys",
                send("POST", group + "/hosts/a%20b/rotate-keys", null, auth), 400));
        String keys = GROUPS + "/docs-keys";
        calls.add(call("PUT " + GROUPS + "/{group}", put(keys, GroupApiTest.HOSTER_GROUP, auth), 201));
        calls.add(call("POST " + GROUPS + "/{group}/rotate-preshared-keys",
                send("POST", keys + "/rotate-preshared-keys", null, auth), 202));
        calls.add(call("POST " + GROUPS + "/{group}/rotate-preshared-keys",
                send("POST", GROUPS + "/nobody/rotate-preshared-keys", null, auth), 404));
        calls.add(call("POST " + GROUPS + "/{group}/hosts/{host}/revoke",
                send("POST", keys + "/hosts/hoster-zima-0103/revoke", null, auth), 202));
        calls.add(call("POST " + GROUPS + "/{group}/hosts/{host}/revoke",
                send("POST", keys + "/hosts/nobody/revoke", null, auth), 404));
        calls.add(call("POST " + GROUPS + "/{group}/hosts/{host}/reapply",
                send("POST", keys + "/hosts/hoster-zima-0101/reapply", null, auth), 202));
        calls.add(call("POST " + GROUPS + "/{group}/hosts/{host}/reapply",
                send("POST", keys + "/hosts/nobody/reapply", null, auth), 404));
        String waves = GROUPS + "/docs-waves";
        String inWaves = GroupApiTest.HOSTER_GROUP.replaceFirst("\\{", "{\"rollout\": {\"strategy\": \"waves\"},");
        calls.add(call("PUT " + GROUPS + "/{group}", put(waves, inWaves, auth), 201));
        calls.add(call("PUT " + GROUPS + "/{group}", put(waves, inWaves, auth), 200));
        calls.add(call("PUT " + GROUPS + "/{group}", put(waves, inWaves, auth), 409));
        calls.add(call("POST " + GROUPS + "/{group}/rollout/resume", send("POST", waves + "/rollout/resume", null, auth), 409));
        calls.add(call("POST " + GROUPS + "/{group}/rollout/resume", send("POST", waves + "/rollout/resume", null, null), 401));
        calls.add(call("POST " + GROUPS + "/{group}/rollout/resume",
                send("POST", GROUPS + "/nobody/rollout/resume", null, auth), 404));
        calls.add(call("POST " + GROUPS + "/{group}/rollout/rollback", send("POST", waves + "/rollout/rollback", null, auth), 202));
        calls.add(call("POST " + GROUPS + "/{group}/rollout/rollback", send("POST", waves + "/rollout/rollback", null, auth), 409));
        calls.add(call("GET " + GROUPS + "/{group}/health", send("GET", keys + "/health", null, null), 200));
        calls.add(call("GET " + GROUPS + "/{group}/health", send("GET", GROUPS + "/nobody/health", null, null), 404));
        calls.add(call("GET /api/v1/events", events(auth), 200));
        calls.add(call("GET /api/v1/events", events(null), 401));
        calls.add(call("GET /api/v1/events", events(auth, "?since=PT5M"), 200));
        calls.add(call("GET /api/v1/events", events(auth, "?since=yesterday"), 400));
        calls.add(call("DELETE " + GROUPS + "/{group}", send("DELETE", group, null, auth, "If-Match", "\"1\""), 412));
        // the group's sixth change in this minute: the limit is six
        calls.add(call("DELETE " + GROUPS + "/{group}", send("DELETE", group, null, auth), 204));
        calls.add(call("DELETE " + GROUPS + "/{group}", send("DELETE", GROUPS + "/nobody", null, auth), 404));
        for (int i = 0; i < 6; i++) {
            put(GROUPS + "/docs-busy", GroupApiTest.HOSTER_GROUP, auth);
        }
        calls.add(call("PUT " + GROUPS + "/{group}", put(GROUPS + "/docs-busy", GroupApiTest.HOSTER_GROUP, auth), 429));

        JsonNode paths = document().get("paths");
        for (Call call : calls) {
            String method = call.endpoint().substring(0, call.endpoint().indexOf(' ')).toLowerCase(Locale.ROOT);
            String path = call.endpoint().substring(call.endpoint().indexOf(' ') + 1);
            JsonNode responses = paths.get(path).get(method).get("responses");
            assertThat(responses.propertyNames()).as("the statuses %s lists", call.endpoint())
                    .contains(Integer.toString(call.status()));
            JsonNode content = responses.get(Integer.toString(call.status())).get("content");
            if (call.status() >= 400) {
                assertThat(content.propertyNames()).as("%s %d", call.endpoint(), call.status()).containsExactly("application/problem+json");
            }
            // an operation that needs the token says so; one that does not answers no 401
            assertThat(paths.get(path).get(method).has("security")).as("security of %s", call.endpoint())
                    .isEqualTo(responses.has("401"));
        }
        Set<String> called = new TreeSet<>(calls.stream().map(Call::endpoint).toList());
        assertThat(called).as("a call for every endpoint, so each one's statuses are checked; add one for a new endpoint")
                .containsExactlyInAnyOrderElementsOf(endpoints());
    }

    /** The API's requests as they went on the commands topic conform to its schema in docs/schemas. */
    @Test
    void theApisCommandsConformToTheCommandSchema() throws Exception {
        awaitChanges();
        assertThat(put(GROUPS + "/docs-commands", GroupApiTest.HOSTER_GROUP, "Bearer " + TOKEN).status()).isEqualTo(201);
        assertThat(send("POST", GROUPS + "/docs-commands/hosts/hoster-zima-0103/rotate-keys", null, "Bearer " + TOKEN)
                .status()).isEqualTo(202);
        assertThat(send("DELETE", GROUPS + "/docs-commands", null, "Bearer " + TOKEN, "If-Match", "\"2\"").status()).isEqualTo(204);

        List<ConsumerRecord<String, byte[]>> commands = new TestKafka(brokers).records(Topics.HOST_GROUP_COMMANDS, "docs-commands");
        assertThat(commands).hasSize(3);
        for (ConsumerRecord<String, byte[]> command : commands) {
            JsonNode value = dev.wgmesh.common.events.EventJson.tree(command.value());
            assertThat(JsonSchemas.problems("host-group-command.v1.json", value)).as("%s", value).isEmpty();
        }
    }

    private static Call call(String endpoint, TestHttp.Response response, int expected) {
        assertThat(response.status()).as("%s answered %s", endpoint, response.body()).isEqualTo(expected);
        return new Call(endpoint, expected);
    }

    private TestHttp.Response put(String path, String body, String auth, String... headers) throws Exception {
        return send("PUT", path, body, auth, headers);
    }

    private TestHttp.Response send(String method, String path, String body, String auth, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (auth != null) {
            request.header("Authorization", auth);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(request);
    }

    /** The live feed never ends: its status and headers are all there is to read. */
    private TestHttp.Response events(String auth) throws Exception {
        return events(auth, "");
    }

    private TestHttp.Response events(String auth, String query) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events" + query));
        if (auth != null) {
            request.header("Authorization", auth);
        }
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()).get(30, TimeUnit.SECONDS);
        response.body().close();
        return new TestHttp.Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                null, "", response.headers());
    }
}
