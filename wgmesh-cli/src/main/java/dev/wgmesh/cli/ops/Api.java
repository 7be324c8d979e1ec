package dev.wgmesh.cli.ops;

import dev.wgmesh.common.events.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** config-service's REST API as the commands use it; every failure to talk to it becomes a {@link Failure}. */
final class Api {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * One answer.
     *
     * @param body the body as JSON; null when there was none or it was not JSON
     */
    record Answer(int status, JsonNode body, String etag) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The answer's body; a refusal becomes a {@link Failure} that lists the server's problems. */
        JsonNode orFail() {
            if (!ok()) {
                throw new Failure(Failure.FAILED, Problems.render(status, body));
            }
            return body;
        }

        /**
         * A 404 that names the path, not a group or host, means the server does not know this call: it is older
         * than this command.
         */
        boolean noSuchEndpoint() {
            return status == 404 && body != null && "path".equals(body.path("errors").path(0).path("field").asString(""));
        }
    }

    private final Target target;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Api(Target target) {
        this.target = target;
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    Answer post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Answer delete(String path) {
        return send(request(path).DELETE());
    }

    /** @param ifMatch the revision the change expects, null: none */
    Answer send(String method, String path, byte[] body, String contentType, Long ifMatch) {
        HttpRequest.Builder request = request(path).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (ifMatch != null) {
            request.header("If-Match", "\"" + ifMatch + "\"");
        }
        return send(request);
    }

    /** Opens a server-sent event stream; the caller reads its lines and closes it. */
    InputStream stream(String path) {
        // the timeout covers the answer's head only, which the feed sends at once; the stream itself lasts
        HttpRequest request = request(path).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                throw new Failure(Failure.FAILED, Problems.render(response.statusCode(), json(body.readAllBytes())));
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        return response.body();
    }

    URI url() {
        return target.url();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url() + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
        if (target.token() != null) {
            request.header("Authorization", "Bearer " + target.token());
        }
        return request;
    }

    private Answer send(HttpRequest.Builder request) {
        HttpResponse<byte[]> response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), json(response.body()),
                response.headers().firstValue("ETag").orElse(null));
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.FAILED, "interrupted");
        }
    }

    private Failure unreachable(IOException e) {
        if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException) {
            return new Failure(Failure.FAILED, "cannot connect to " + target.url()
                    + ": wgmesh may not be running (start it with ./wgmesh up), or it listens elsewhere (--url, WGMESH_URL)");
        }
        if (e instanceof HttpTimeoutException) {
            return new Failure(Failure.FAILED, target.url() + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        }
        return new Failure(Failure.FAILED, "talking to " + target.url() + " failed: " + e);
    }

    private static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return EventJson.tree(body);
        } catch (RuntimeException e) {
            return null; // not JSON: a proxy's error page, say; the status alone is told
        }
    }
}
