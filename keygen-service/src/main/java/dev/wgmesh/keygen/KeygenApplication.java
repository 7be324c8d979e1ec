package dev.wgmesh.keygen;

import dev.wgmesh.kafka.CleanStop;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.PropertySource;

/** keygen-service: keys every host group, keeps the keys across changes, seals the secrets to the deployers. */
@SpringBootApplication
// named files, not application.properties: the end-to-end tests run all four services in one JVM
@PropertySource({"classpath:wgmesh-kafka.properties", "classpath:keygen-service.properties"})
public class KeygenApplication {

    public static void main(String[] args) {
        CleanStop.onSignals(SpringApplication.run(KeygenApplication.class, args));
    }
}
