package dev.wgmesh.cli.process;

import dev.wgmesh.common.events.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** The calls up and the benchmark make to the config-service they started: JSON in and out, with the API token. */
public final class LocalApi {

    /** @param status 0 when nothing answered */
    public record Answer(int status, String body) {

        /** The body as JSON; it must be JSON. */
        public JsonNode json() {
            return EventJson.tree(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Longer than config-service's own deadline for a change (wgmesh.config.request-timeout, 10 s), after which it
     * answers 503: a client that gave up first would never see that answer.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param token null: send none (--insecure-no-auth) */
    public LocalApi(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public String base() {
        return base;
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    public Answer put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    public Answer post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Answer delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            // nothing answered yet
            return new Answer(0, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + base, e);
        }
    }
}
