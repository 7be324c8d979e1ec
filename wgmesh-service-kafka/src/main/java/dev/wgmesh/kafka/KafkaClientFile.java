package dev.wgmesh.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.util.StringUtils;

/**
 * The Kafka client settings of {@code wgmesh.kafka.client-properties-file} (env
 * {@code WGMESH_KAFKA_CLIENT_PROPERTIES_FILE}): plain Kafka client properties such as {@code security.protocol},
 * {@code sasl.mechanism} and {@code sasl.jaas.config}, as the launcher writes them into
 * {@code wgmesh-data/kafka/clients/<principal>.properties}. Read once at start and put into Boot's
 * {@code spring.kafka.properties}, from which every client of the service is made: Spring's producers,
 * consumers and KafkaAdmin, and the ones the services make themselves (all start from KafkaProperties).
 * The password stays out of the command line, the environment and Spring's Environment. Several files, comma
 * separated, are read in order and a later one wins: compose's TLS override adds its truststore settings that way.
 */
public final class KafkaClientFile implements BeanPostProcessor {

    public static final String PROPERTY = "wgmesh.kafka.client-properties-file";

    private final Map<String, String> settings;

    /** No file name: the clients connect as Spring's properties say (PLAINTEXT by default). */
    KafkaClientFile(String files) {
        this.settings = settings(files);
    }

    /** The client settings of the files (comma separated, a later one wins); none for a blank name. */
    public static Map<String, String> settings(String files) {
        Map<String, String> settings = new TreeMap<>();
        for (String file : StringUtils.commaDelimitedListToStringArray(files)) {
            if (!file.isBlank()) {
                settings.putAll(read(Path.of(file.trim())));
            }
        }
        return Map.copyOf(settings);
    }

    private static Map<String, String> read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(PROPERTY + ": cannot read \"" + file + "\": " + e, e);
        }
        if (properties.isEmpty()) {
            throw new IllegalArgumentException(PROPERTY + ": \"" + file + "\" holds no settings");
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name).trim()));
        return settings;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof KafkaProperties kafka) {
            kafka.getProperties().putAll(settings);
        }
        return bean;
    }
}
