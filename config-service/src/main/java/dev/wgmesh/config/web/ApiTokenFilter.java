package dev.wgmesh.config.web;

import dev.wgmesh.common.group.Problem;
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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With a token configured ({@code wgmesh.api-token}, or the file at {@code wgmesh.api-token-file}),
 * every call that changes something (any method but GET, HEAD and OPTIONS) and the live feed
 * ({@code /api/v1/events}) need {@code Authorization: Bearer <token>}; reading groups, their status and
 * the UI stays open. Without a token everything is open, as for a local run.
 */
@Component
class ApiTokenFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiTokenFilter.class);
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String EVENTS = "/api/v1/events";
    private static final String BEARER = "bearer ";

    /** SHA-256 of the token, or null when none is configured: comparing digests takes the same time for any input. */
    private final byte[] tokenDigest;

    ApiTokenFilter(@Value("${wgmesh.api-token:}") String token, @Value("${wgmesh.api-token-file:}") String tokenFile) {
        String configured = token == null || token.isBlank() ? fromFile(tokenFile) : token.strip();
        this.tokenDigest = configured == null ? null : sha256(configured);
        if (tokenDigest == null) {
            log.warn("no API token configured: anyone who reaches the port may change groups (set WGMESH_API_TOKEN)");
        } else {
            log.info("changes and the live feed need the API token");
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
        if (!READS.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
            return true;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        path = path.replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
        return path.equals(EVENTS) || path.startsWith(EVENTS + "/") || path.startsWith(EVENTS + ";");
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
