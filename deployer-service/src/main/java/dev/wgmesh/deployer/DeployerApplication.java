package dev.wgmesh.deployer;

import dev.wgmesh.kafka.CleanStop;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.PropertySource;

/** Applies every host's rendered configs through a target and reports each outcome. */
@SpringBootApplication
// named files, not application.properties: the end-to-end tests run all four services in one JVM
@PropertySource({"classpath:wgmesh-kafka.properties", "classpath:deployer-service.properties"})
public class DeployerApplication {

    public static void main(String[] args) {
        CleanStop.onSignals(SpringApplication.run(DeployerApplication.class, args));
    }
}
