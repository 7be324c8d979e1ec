package dev.wgmesh.renderer;

import dev.wgmesh.kafka.CleanStop;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.PropertySource;

/** Turns each keyed group into one desired config per host, publishing only what changed. */
@SpringBootApplication
// named files, not application.properties: the end-to-end tests run all four services in one JVM
@PropertySource({"classpath:wgmesh-kafka.properties", "classpath:renderer-service.properties"})
public class RendererApplication {

    public static void main(String[] args) {
        CleanStop.onSignals(SpringApplication.run(RendererApplication.class, args));
    }
}
