package dev.wgmesh.e2e;

import dev.wgmesh.common.events.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/** config-service's REST API, as a client sees it; keeps every answer's headers and body for the secret scan. */
public final class Api {

    /** @param body null when the answer had none or was not JSON */
    public record Response(int status, String contentType, JsonNode body, String text, Duration took) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> answers = new CopyOnWriteArrayList<>();

    /** @param token the API token, sent with every call as config-service needs it for changes */
    public Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** A random API token for a test's config-service. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The token this client sends, for a browser that should hold it as an operator's would. */
    public String token() {
        return token;
    }

    /** The service's address, such as {@code http://127.0.0.1:8080}. */
    public String base() {
        return base;
    }

    public Response put(String group, String json, Duration timeout) {
        return send(HttpRequest.newBuilder(uri("/api/v1/groups/" + group)).timeout(timeout)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response put(String group, String json) {
        return put(group, json, TIMEOUT);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET());
    }

    public Response post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public JsonNode status(String group) {
        return get("/api/v1/groups/" + group + "/status").body();
    }

    /** Hosts whose latest APPLIED report is at {@code revision} or later. */
    public long appliedAtLeast(String group, long revision) {
        long count = 0;
        for (JsonNode host : status(group).path("hosts")) {
            if (host.path("appliedRevision").asLong(0) >= revision) {
                count++;
            }
        }
        return count;
    }

    /** Waits until the group's status says converged at the given revision or later; returns the status. */
    public JsonNode awaitConverged(String group, long revision, Duration timeout) {
        return awaitConverged(group, revision, timeout, () -> { });
    }

    /** The same, running {@code beforeEachPoll} first each time (it may throw to give up early, e.g. when a service died). */
    public JsonNode awaitConverged(String group, long revision, Duration timeout, Runnable beforeEachPoll) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            beforeEachPoll.run();
            Response status = get("/api/v1/groups/" + group + "/status");
            last = status.body();
            if (status.status() == 200 && last.path("converged").asBoolean(false)
                    && last.path("revision").asLong() >= revision) {
                return last;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("group " + group + " did not converge at revision " + revision + " within "
                + timeout + "; last status: " + last);
    }

    /** Every answer so far: status line, headers and body. */
    public List<String> answers() {
        return List.copyOf(answers);
    }

    private Response send(HttpRequest.Builder request) {
        Instant start = Instant.now();
        try {
            HttpResponse<byte[]> response = http.send(request.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
            String text = new String(response.body(), StandardCharsets.UTF_8);
            answers.add(response.statusCode() + " " + response.headers().map() + "\n" + text);
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = contentType.contains("json") && response.body().length > 0
                    ? EventJson.tree(response.body()) : null;
            return new Response(response.statusCode(), contentType, body, text, Duration.between(start, Instant.now()));
        } catch (HttpTimeoutException e) {
            throw new AssertionError("no answer within the request's timeout (" + Duration.between(start, Instant.now())
                    + "): the API hangs", e);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }
}
