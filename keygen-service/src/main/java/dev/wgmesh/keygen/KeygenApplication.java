package dev.wgmesh.keygen;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.PropertySource;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** keygen-service: keys every host group, keeps the keys across changes, seals the secrets to the deployers. */
@SpringBootApplication
// named files, not application.properties: the end-to-end tests run all four services in one JVM
@PropertySource({"classpath:wgmesh-kafka.properties", "classpath:keygen-service.properties"})
public class KeygenApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(KeygenApplication.class, args);
        // SIGTERM (docker stop, kill) and Ctrl-C close the context, which stops the listeners and
        // flushes and closes the producers, and then exit 0: a requested stop is not a failure
        SignalHandler stop = signal -> System.exit(SpringApplication.exit(context));
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
    }
}
