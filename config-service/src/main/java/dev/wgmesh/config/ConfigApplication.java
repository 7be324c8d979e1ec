package dev.wgmesh.config;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.PropertySource;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** config-service: the host groups' REST API and command consumer; the compacted changed-topic is its only store. */
@SpringBootApplication
// named files, not application.properties: the end-to-end tests run all four services in one JVM
@PropertySource({"classpath:wgmesh-kafka.properties", "classpath:config-service.properties"})
public class ConfigApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(ConfigApplication.class, args);
        // SIGTERM (docker stop, kill) and Ctrl-C close the context, which stops the listeners and
        // flushes and closes the producers, and then exit 0: a requested stop is not a failure
        SignalHandler stop = signal -> System.exit(SpringApplication.exit(context));
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
    }
}
