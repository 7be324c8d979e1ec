package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.EventJson;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

@ExtendWith(OutputCaptureExtension.class)
class LogFormatTest {

    @Configuration(proxyBeanMethods = false)
    static class Nothing {
    }

    @Test
    void jsonLinesCarryTheGroupHostAndCorrelationIdOfTheRecord(CapturedOutput output) {
        SpringApplication application = new SpringApplication(Nothing.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("wgmesh.host-health-reported", 0, 7, "lab/h1", new byte[0]);
        record.headers().add(CloudEvents.CORRELATION_HEADER, "3f2c1c1e-0000-4000-8000-000000000001".getBytes(StandardCharsets.UTF_8));
        try (var context = application.run("--wgmesh.log-format=json")) {
            try (RecordLogContext logContext = RecordLogContext.of(record)) {
                LoggerFactory.getLogger(LogFormatTest.class).warn("refusing the record");
            }
            LoggerFactory.getLogger(LogFormatTest.class).info("about no record");
        }

        JsonNode line = EventJson.mapper().readTree(output.getOut().lines()
                .filter(l -> l.contains("refusing the record")).findFirst().orElseThrow());
        assertThat(line.path("message").stringValue()).isEqualTo("refusing the record");
        assertThat(line.toString()).contains("WARN");
        assertThat(line.path("group").stringValue()).isEqualTo("lab");
        assertThat(line.path("host").stringValue()).isEqualTo("h1");
        assertThat(line.path("correlationId").stringValue()).isEqualTo("3f2c1c1e-0000-4000-8000-000000000001");
        JsonNode other = EventJson.mapper().readTree(output.getOut().lines()
                .filter(l -> l.contains("about no record")).findFirst().orElseThrow());
        assertThat(other.has("group")).isFalse();
    }

    @Test
    void anUnknownFormatStopsTheStartNamingTheSetting() {
        SpringApplication application = new SpringApplication(Nothing.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run("--wgmesh.log-format=xml").close())
                .hasMessageContaining("wgmesh.log-format").hasMessageContaining("\"xml\"");
    }
}
