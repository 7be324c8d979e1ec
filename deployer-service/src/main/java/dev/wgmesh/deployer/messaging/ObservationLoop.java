package dev.wgmesh.deployer.messaging;

import dev.wgmesh.deployer.config.DeployerSettings;
import dev.wgmesh.deployer.domain.Observer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Asks the observer, every tick (a tenth of the interval, at most a second), to look at the hosts whose time came. */
@Component
class ObservationLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ObservationLoop.class);

    private final Observer observer;
    private final ExecutorService workers;
    private final Duration tick;
    private ScheduledExecutorService scheduler;

    ObservationLoop(Observer observer, @Qualifier("observeWorkers") ExecutorService workers, DeployerSettings settings) {
        this.observer = observer;
        this.workers = workers;
        Duration tenth = settings.observeInterval().dividedBy(10);
        this.tick = tenth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : tenth;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "wgmesh-observer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            observer.observeDue(workers);
        } catch (RuntimeException e) {
            // the next tick tries again; a scheduled task that throws would never run again
            log.warn("observing hosts failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
