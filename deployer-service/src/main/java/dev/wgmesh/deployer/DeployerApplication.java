package dev.wgmesh.deployer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.PropertySource;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Applies every host's rendered configs through a target and reports each outcome. */
@SpringBootApplication
// named files, not application.properties: the end-to-end tests run all four services in one JVM
@PropertySource({"classpath:wgmesh-kafka.properties", "classpath:deployer-service.properties"})
public class DeployerApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(DeployerApplication.class, args);
        // SIGTERM (docker stop, kill) and Ctrl-C close the context, which stops the listeners and
        // flushes and closes the producers, and then exit 0: a requested stop is not a failure
        SignalHandler stop = signal -> System.exit(SpringApplication.exit(context));
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
    }
}
