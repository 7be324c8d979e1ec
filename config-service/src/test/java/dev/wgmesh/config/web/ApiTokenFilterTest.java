package dev.wgmesh.config.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

@ExtendWith(OutputCaptureExtension.class)
class ApiTokenFilterTest {

    @TempDir
    Path dir;

    @Test
    void readsTheTokenFromAFileSuchAsAComposeSecret() throws Exception {
        Path file = Files.writeString(dir.resolve("api-token"), "from-the-file\n");
        ApiTokenFilter filter = new ApiTokenFilter("", file.toString(), false);

        assertThat(status(filter, "PUT", "/api/v1/groups/lab", "Bearer from-the-file")).isEqualTo(200);
        assertThat(status(filter, "PUT", "/api/v1/groups/lab", "Bearer from-the-fil")).isEqualTo(401);
        assertThat(status(filter, "PUT", "/api/v1/groups/lab", null)).isEqualTo(401);
    }

    @Test
    void aConfiguredButMissingOrEmptyFileStopsTheService() throws Exception {
        assertThatThrownBy(() -> new ApiTokenFilter("", dir.resolve("missing").toString(), true)).isInstanceOf(RuntimeException.class);
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        assertThatThrownBy(() -> new ApiTokenFilter(null, empty.toString(), true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutATokenTheServiceDoesNotStartAndSaysHowToSetOne() {
        for (String blank : new String[]{"", " ", null}) {
            assertThatThrownBy(() -> new ApiTokenFilter(blank, blank, false)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has no API token, so it does not start")
                    .hasMessageContaining("WGMESH_API_TOKEN_FILE (property wgmesh.api-token-file)")
                    .hasMessageContaining("wgmesh.api.insecure-no-auth=true (WGMESH_API_INSECURE_NO_AUTH=true")
                    .hasMessageContaining("--insecure-no-auth");
        }
    }

    @Test
    void onlyTheInsecureSettingOpensEverythingAndItSaysSoAtStart(CapturedOutput output) throws Exception {
        ApiTokenFilter filter = new ApiTokenFilter("", "", true);
        assertThat(status(filter, "DELETE", "/api/v1/groups/lab", null)).isEqualTo(200);
        assertThat(status(filter, "GET", "/api/v1/events", null)).isEqualTo(200);
        assertThat(output.getAll()).contains("WARN").contains("INSECURE: wgmesh.api.insecure-no-auth=true and no API token");
    }

    @Test
    void aTokenWinsOverTheInsecureSetting() throws Exception {
        ApiTokenFilter filter = new ApiTokenFilter("t0ken", "", true);
        assertThat(status(filter, "DELETE", "/api/v1/groups/lab", null)).isEqualTo(401);
        assertThat(status(filter, "DELETE", "/api/v1/groups/lab", "Bearer t0ken")).isEqualTo(200);
    }

    @Test
    void readsStayOpenButTheFeedInAnySpellingDoesNot() throws Exception {
        ApiTokenFilter filter = new ApiTokenFilter("t0ken", "", false);
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
