package dev.wgmesh.deployer.messaging;

import dev.wgmesh.deployer.config.DeployerSettings;
import dev.wgmesh.deployer.domain.Observer;
import dev.wgmesh.kafka.Periodic;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/** Asks the observer, every tick (a tenth of the interval, at most a second), to look at the hosts whose time came. */
@Component
class ObservationLoop extends Periodic {

    private final Observer observer;
    private final ExecutorService workers;

    ObservationLoop(Observer observer, @Qualifier("observeWorkers") ExecutorService workers, DeployerSettings settings) {
        super("wgmesh-observer", tick(settings.observeInterval()));
        this.observer = observer;
        this.workers = workers;
    }

    private static Duration tick(Duration interval) {
        Duration tenth = interval.dividedBy(10);
        return tenth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : tenth;
    }

    @Override
    protected void runOnce() {
        observer.observeDue(workers);
    }
}
