package dev.wgmesh.kafka;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code WGMESH_LOG_FORMAT=json} (property {@code wgmesh.log-format}): every log line is one JSON object in
 * Spring Boot's Elastic Common Schema form, with the group, host and correlationId of the record it is about
 * ({@link RecordLogContext}); {@code text} (the default) keeps Spring Boot's lines. Set before the logging
 * system starts, so even the first lines are JSON.
 */
public class LogFormat implements EnvironmentPostProcessor {

    static final String PROPERTY = "wgmesh.log-format";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = environment.getProperty(PROPERTY, "text").strip().toLowerCase(Locale.ROOT);
        switch (format) {
            case "text", "" -> { }
            case "json" -> environment.getPropertySources().addFirst(new MapPropertySource("wgmesh-log-format",
                    Map.of("logging.structured.format.console", "ecs")));
            default -> throw new IllegalStateException(PROPERTY + " (env WGMESH_LOG_FORMAT) is \"" + format
                    + "\": it must be json or text");
        }
    }
}
