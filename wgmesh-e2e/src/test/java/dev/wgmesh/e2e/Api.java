package dev.wgmesh.e2e;

import dev.wgmesh.common.events.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** config-service's REST API, as a client sees it. */
public final class Api {

    public record Response(int status, JsonNode body) {
    }

    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    Api(String base) {
        this.base = base;
    }

    /** The service's address, such as {@code http://127.0.0.1:8080}. */
    public String base() {
        return base;
    }

    public Response put(String group, String json) {
        return send(HttpRequest.newBuilder(uri("/api/v1/groups/" + group))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Response post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Waits until the group's status says converged at the given revision or later; returns the status. */
    public JsonNode awaitConverged(String group, long revision, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            Response status = get("/api/v1/groups/" + group + "/status");
            last = status.body();
            if (status.status() == 200 && last.path("converged").asBoolean(false)
                    && last.path("revision").asLong() >= revision) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("group " + group + " did not converge at revision " + revision + " within "
                + timeout + "; last status: " + last);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = response.body().length == 0 ? null : EventJson.tree(response.body());
            return new Response(response.statusCode(), body);
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
