package dev.wgmesh.config;

import dev.wgmesh.kafka.CleanStop;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.PropertySource;

/** config-service: the host groups' REST API and command consumer; the compacted changed-topic is its only store. */
@SpringBootApplication
// named files, not application.properties: the end-to-end tests run all four services in one JVM
@PropertySource({"classpath:wgmesh-kafka.properties", "classpath:config-service.properties"})
public class ConfigApplication {

    public static void main(String[] args) {
        CleanStop.onSignals(SpringApplication.run(ConfigApplication.class, args));
    }
}
