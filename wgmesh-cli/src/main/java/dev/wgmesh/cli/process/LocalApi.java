package dev.wgmesh.cli.up;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The few calls up makes to config-service: is it up, submit a group, is the group converged. */
final class LocalApi {

    /** @param status 0 when nothing answered */
    record Answer(int status, String body) {
    }

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param token null: send none (--insecure-no-auth) */
    LocalApi(String base, String token) {
        this.base = base;
        this.token = token;
    }

    String base() {
        return base;
    }

    Answer get(String path) throws InterruptedException {
        return send(request(path).GET());
    }

    Answer put(String path, String json) throws InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json");
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest.Builder request) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            // nothing answered yet
            return new Answer(0, String.valueOf(e.getMessage()));
        }
    }
}
