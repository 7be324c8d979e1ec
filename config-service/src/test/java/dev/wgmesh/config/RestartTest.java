package dev.wgmesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.kafka.testing.TestBroker;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The changed-topic is the only store: a new instance on the same broker knows every group and revision. */
class RestartTest {

    @Test
    void groupsAndRevisionsSurviveARestart() throws Exception {
        String slotsBefore;
        try (ConfigurableApplicationContext first = start()) {
            TestHttp http = http(first);
            assertThat(http.put("/api/v1/groups/keep", GroupApiTest.HOSTER_GROUP).status()).isEqualTo(201);
            String reordered = """
                    {"hosts": [%s, %s]}""".formatted(GroupApiTest.hoster("zima-0104", 4), GroupApiTest.hoster("zima-0102", 2));
            assertThat(http.put("/api/v1/groups/keep?force=true", reordered).status()).isEqualTo(200);
            assertThat(http.put("/api/v1/groups/gone", GroupApiTest.HOSTER_GROUP).status()).isEqualTo(201);
            assertThat(http.delete("/api/v1/groups/gone").status()).isEqualTo(204);
            slotsBefore = http.get("/api/v1/groups/keep").body();
            // hosts in slot order: zima-0102 kept slot 2, zima-0104 joined with slot 4
            assertThat(http.get("/api/v1/groups/keep").json().get("hosts").get(0).get("name").stringValue())
                    .isEqualTo("hoster-zima-0102");
        }

        try (ConfigurableApplicationContext second = start()) {
            TestHttp http = http(second);
            var keep = http.get("/api/v1/groups/keep");
            assertThat(keep.status()).isEqualTo(200);
            assertThat(keep.etag()).isEqualTo("\"2\"");
            assertThat(keep.body()).isEqualTo(slotsBefore);
            // the module's other test classes left their groups on the broker too
            assertThat(StreamSupport.stream(http.get("/api/v1/groups").json().spliterator(), false)
                    .map(g -> g.get("name").stringValue())).contains("keep").doesNotContain("gone");
            assertThat(http.get("/api/v1/groups/gone").status()).isEqualTo(404);

            // the revision sequence goes on, for the deleted group too
            assertThat(http.put("/api/v1/groups/keep", keep.body(), "If-Match", "\"2\"").etag()).isEqualTo("\"3\"");
            var recreated = http.put("/api/v1/groups/gone", GroupApiTest.HOSTER_GROUP);
            assertThat(recreated.status()).isEqualTo(201);
            assertThat(recreated.etag()).isEqualTo("\"3\"");
        }
    }

    static ConfigurableApplicationContext start() {
        // arguments, not default properties: config-service.properties would win over those
        return new SpringApplicationBuilder(ConfigApplication.class)
                .run("--server.port=0", "--spring.kafka.bootstrap-servers=" + TestBroker.brokers(),
                        "--wgmesh.api.insecure-no-auth=true");
    }

    static TestHttp http(ConfigurableApplicationContext context) {
        return new TestHttp(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }
}
