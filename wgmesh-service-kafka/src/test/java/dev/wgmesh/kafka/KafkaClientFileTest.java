package dev.wgmesh.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

class KafkaClientFileTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"deployer\" password=\"s3cret\";";

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
            .withUserConfiguration(WgmeshKafkaConfig.class)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withBean(Signer.class, () -> Signer.DEPLOYER)
            .withPropertyValues(TestTrust.properties(Signer.DEPLOYER).entrySet().stream()
                    .map(property -> property.getKey() + "=" + property.getValue()).toArray(String[]::new))
            // no broker here: KafkaAdmin must not try to create the topics
            .withPropertyValues("spring.kafka.admin.auto-create=false");

    @Test
    void everyClientOfTheServiceGetsTheFilesSettings(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("deployer.properties");
        Files.writeString(file, """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=%s
                """.formatted(JAAS));

        context.withPropertyValues("wgmesh.kafka.client-properties-file=" + file).run(context -> {
            assertThat(context).hasNotFailed();
            Map<String, String> expected = Map.of("security.protocol", "SASL_PLAINTEXT",
                    "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS);
            // Spring's own clients
            assertThat(context.getBean(ProducerFactory.class).getConfigurationProperties()).containsAllEntriesOf(expected);
            ConsumerFactory<?, ?> consumers = context.getBean(ConsumerFactory.class);
            assertThat(consumers.getConfigurationProperties()).containsAllEntriesOf(expected);
            assertThat(context.getBean(KafkaAdmin.class).getConfigurationProperties()).containsAllEntriesOf(expected);
            // the clients the services make by hand start from KafkaProperties or the consumer factory
            KafkaProperties kafka = context.getBean(KafkaProperties.class);
            assertThat(kafka.buildConsumerProperties()).containsAllEntriesOf(expected);
            assertThat(kafka.buildProducerProperties()).containsAllEntriesOf(expected);
            assertThat(kafka.buildAdminProperties()).containsAllEntriesOf(expected);
            assertThat(AssignedConsumer.settings(consumers.getConfigurationProperties(), "reader"))
                    .containsAllEntriesOf(expected);
            // the password is in no property of Spring's Environment (which /actuator/env would show)
            assertThat(context.getEnvironment().getProperty("spring.kafka.properties.sasl.jaas.config")).isNull();
        });
    }

    @Test
    void aLaterFileWins(@TempDir Path dir) throws IOException {
        Path login = Files.writeString(dir.resolve("renderer.properties"),
                "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=" + JAAS + "\n");
        Path tls = Files.writeString(dir.resolve("tls.properties"),
                "security.protocol=SASL_SSL\nssl.truststore.location=/run/secrets/kafka_truststore\n");

        context.withPropertyValues("wgmesh.kafka.client-properties-file=" + login + ", " + tls).run(context ->
                assertThat(context.getBean(KafkaProperties.class).buildConsumerProperties()).containsAllEntriesOf(Map.of(
                        "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                        "ssl.truststore.location", "/run/secrets/kafka_truststore")));
    }

    @Test
    void withoutTheFileTheClientsKeepSpringsSettings() {
        context.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ProducerFactory.class).getConfigurationProperties())
                    .doesNotContainKeys("sasl.jaas.config", "sasl.mechanism");
        });
    }

    @Test
    void aMissingFileStopsTheStartAndNamesTheSettingAndTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("config.properties");
        context.withPropertyValues("wgmesh.kafka.client-properties-file=" + missing).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "wgmesh.kafka.client-properties-file: cannot read \"" + missing + "\"");
        });
    }

    @Test
    void anEmptyFileIsRefused(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.properties"), "# nothing\n");
        context.withPropertyValues("wgmesh.kafka.client-properties-file=" + empty).run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining(
                        "wgmesh.kafka.client-properties-file: \"" + empty + "\" holds no settings"));
    }
}
