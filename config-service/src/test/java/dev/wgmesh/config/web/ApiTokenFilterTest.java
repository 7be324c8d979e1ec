package dev.wgmesh.config.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ApiTokenFilterTest {

    @TempDir
    Path dir;

    @Test
    void readsTheTokenFromAFileSuchAsAComposeSecret() throws Exception {
        Path file = Files.writeString(dir.resolve("api-token"), "from-the-file\n");
        ApiTokenFilter filter = new ApiTokenFilter("", file.toString());

        assertThat(status(filter, "PUT", "/api/v1/groups/lab", "Bearer from-the-file")).isEqualTo(200);
        assertThat(status(filter, "PUT", "/api/v1/groups/lab", "Bearer from-the-fil")).isEqualTo(401);
        assertThat(status(filter, "PUT", "/api/v1/groups/lab", null)).isEqualTo(401);
    }

    @Test
    void aConfiguredButMissingOrEmptyFileStopsTheService() throws Exception {
        assertThatThrownBy(() -> new ApiTokenFilter("", dir.resolve("missing").toString())).isInstanceOf(RuntimeException.class);
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        assertThatThrownBy(() -> new ApiTokenFilter(null, empty.toString())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutATokenEverythingIsOpen() throws Exception {
        ApiTokenFilter filter = new ApiTokenFilter("", "");
        assertThat(status(filter, "DELETE", "/api/v1/groups/lab", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/api/v1/events", null)).isEqualTo(200);
    }

    @Test
    void readsStayOpenButTheFeedInAnySpellingDoesNot() throws Exception {
        ApiTokenFilter filter = new ApiTokenFilter("t0ken", "");
        assertThat(status(filter, "GET", "/api/v1/groups", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/", null)).isEqualTo(200);
        assertThat(status(filter, "HEAD", "/api/v1/groups/lab/status", null)).isEqualTo(200);
        for (String path : new String[]{"/api/v1/events", "/api/v1//events", "/API/V1/EVENTS", "/api/v1/events/", "/api/v1/events;x=1"}) {
            assertThat(status(filter, "GET", path, null)).as(path).isEqualTo(401);
            assertThat(status(filter, "GET", path, "Bearer t0ken")).as(path).isEqualTo(200);
        }
        for (String method : new String[]{"PUT", "POST", "DELETE", "PATCH", "TRACE"}) {
            assertThat(status(filter, method, "/anything", "bearer t0ken")).isEqualTo(200);
            assertThat(status(filter, method, "/anything", "Basic dDBrZW4=")).isEqualTo(401);
        }
    }

    private static int status(ApiTokenFilter filter, String method, String path, String authorization) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        if (response.getStatus() == 401) {
            assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer realm=\"wgmesh\"");
            assertThat(response.getContentType()).isEqualTo("application/problem+json");
        }
        return response.getStatus();
    }
}
