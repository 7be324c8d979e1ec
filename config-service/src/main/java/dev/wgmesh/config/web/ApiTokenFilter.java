package dev.wgmesh.config.web;

import dev.wgmesh.common.group.Problem;
import dev.wgmesh.config.ConfigSettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every call that changes something (any method but GET, HEAD and OPTIONS) and the live feed
 * ({@code /api/v1/events}) need {@code Authorization: Bearer <token>} with the token of
 * {@code wgmesh.api-token} or of the file at {@code wgmesh.api-token-file}; reading groups, their status
 * and the UI stay open. Without a token the service does not start (fail closed), unless
 * {@code wgmesh.api.insecure-no-auth=true} opens everything, loudly.
 */
@Component
class ApiTokenFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiTokenFilter.class);
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String EVENTS = "/api/v1/events";
    private static final String BEARER = "bearer ";

    static final String NO_TOKEN = "config-service has no API token, so it does not start: put a token in a file"
            + " and set WGMESH_API_TOKEN_FILE (property wgmesh.api-token-file) to it, or set WGMESH_API_TOKEN"
            + " (wgmesh.api-token); ./wgmesh up makes one. To run with no token at all, anyone who reaches the port"
            + " changing groups, set wgmesh.api.insecure-no-auth=true (WGMESH_API_INSECURE_NO_AUTH=true,"
            + " ./wgmesh up --insecure-no-auth)";

    /** SHA-256 of the token, or null in insecure mode: comparing digests takes the same time for any input. */
    private final byte[] tokenDigest;

    @Autowired
    ApiTokenFilter(ConfigSettings settings) {
        this(settings.apiToken(), settings.apiTokenFile(), settings.api().insecureNoAuth());
    }

    ApiTokenFilter(String token, String tokenFile, boolean insecureNoAuth) {
        String configured = token == null || token.isBlank() ? fromFile(tokenFile) : token.strip();
        this.tokenDigest = configured == null ? null : sha256(configured);
        if (tokenDigest != null) {
            log.info("changes and the live feed need the API token");
        } else if (insecureNoAuth) {
            log.warn("INSECURE: wgmesh.api.insecure-no-auth=true and no API token: anyone who reaches this port can"
                    + " create, change and delete groups, rotate keys and read the live feed; set WGMESH_API_TOKEN_FILE"
                    + " and drop the insecure setting for anything but a throwaway local run");
        } else {
            throw new IllegalStateException(NO_TOKEN);
        }
    }

    private static String fromFile(String file) {
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new IllegalStateException("the API token file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            // fail closed: a configured but missing token must not leave the API open
            throw new UncheckedIOException("cannot read the API token file " + file, e);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (tokenDigest == null || !protectedCall(request)) {
            chain.doFilter(request, response);
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(response, "Bearer realm=\"wgmesh\"", "this call needs the API token: Authorization: Bearer <token>");
            return;
        }
        byte[] given = sha256(authorization.substring(BEARER.length()).strip());
        if (!MessageDigest.isEqual(given, tokenDigest)) {
            refuse(response, "Bearer realm=\"wgmesh\", error=\"invalid_token\"", "the bearer token is not the API token");
            return;
        }
        chain.doFilter(request, response);
    }

    /** Decided on the path as Tomcat decoded and normalized it, so no spelling of the feed's path gets past. */
    private static boolean protectedCall(HttpServletRequest request) {
        return needsToken(request.getMethod(), request.getServletPath()
                + (request.getPathInfo() == null ? "" : request.getPathInfo()));
    }

    /** The rule, also for the API's document ({@link ApiDocs}): every change, and the live feed. */
    static boolean needsToken(String method, String path) {
        if (!READS.contains(method.toUpperCase(Locale.ROOT))) {
            return true;
        }
        String normalized = path.replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
        return normalized.equals(EVENTS) || normalized.startsWith(EVENTS + "/") || normalized.startsWith(EVENTS + ";");
    }

    private static void refuse(HttpServletResponse response, String challenge, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        response.setContentType(RawProblem.CONTENT_TYPE);
        response.getOutputStream().write(RawProblem.json(401, new Problem(HttpHeaders.AUTHORIZATION, null, message)));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
