package dev.wgmesh.kafka;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM (docker stop, kill) and Ctrl-C close the context, which stops the listeners and flushes and
 * closes the producers, and then exit 0: a requested stop is not a failure.
 */
public final class CleanStop {

    private CleanStop() {
    }

    public static void onSignals(ConfigurableApplicationContext context) {
        SignalHandler stop = signal -> System.exit(SpringApplication.exit(context));
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
    }
}
