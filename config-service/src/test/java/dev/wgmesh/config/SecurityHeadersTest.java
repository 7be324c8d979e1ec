package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every kind of answer carries the browser's rules: the page, its files, the API, refusals and errors.
 * A token of its own, so this context is not ApiTokenTest's: that test checks the log of its context's
 * start for its token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "wgmesh.api-token=headers-test-token"})
class SecurityHeadersTest {

    @LocalServerPort
    int port;

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "GET, /, 200, text/html",
            "GET, /index.html, 200, text/html",
            "GET, /app.js, 200, text/javascript",
            "GET, /app.css, 200, text/css",
            "GET, /api/v1/groups, 200, application/json",
            "GET, /api/v1/groups/no-such-group, 404, application/problem+json",
            "GET, /no-such-file.js, 404, application/problem+json",
            "PUT, /api/v1/groups/locked, 401, application/problem+json",
            "GET, /error, 404, application/problem+json",
            // refused by Tomcat itself (an encoded slash), before any filter
            "GET, /api/v1/groups/a%2Fb, 400, application/problem+json",
    })
    void everyAnswerCarriesTheSecurityHeaders(String method, String path, int status, String contentType) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("PUT") ? GroupApiTest.HOSTER_GROUP : ""))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith(contentType);
        assertThat(response.headers().allValues("Content-Security-Policy")).containsExactly("default-src 'self'");
        assertThat(response.headers().allValues("X-Frame-Options")).containsExactly("DENY");
        assertThat(response.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
    }
}
