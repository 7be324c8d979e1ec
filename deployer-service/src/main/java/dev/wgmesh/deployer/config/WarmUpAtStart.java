package dev.wgmesh.deployer.config;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.deployer.domain.WarmUp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link WarmUp} before anything else starts (the lowest phase): the listener and the readers start
 * after it, so the deployer is ready when it is warm. A warm-up that fails is logged and the start goes on; it
 * only saves time.
 */
@Component
class WarmUpAtStart implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WarmUpAtStart.class);
    /**
     * Each revision changes every host's file. The count of applies, more than the mesh's size, is what gets the JIT to
     * compile them: 100 hosts ten times cut the first 1,000-host change's extra CPU about as much as 500 hosts twice
     * did, in less time (BENCHMARKS.md).
     */
    private static final int REVISIONS = 10;

    private final DeployerSettings settings;
    private final TopicNames names;
    private final ExecutorService workers;
    private volatile boolean running;

    WarmUpAtStart(DeployerSettings settings, TopicNames names, @Qualifier("hostWorkers") ExecutorService workers) {
        this.settings = settings;
        this.names = names;
        this.workers = workers;
    }

    @Override
    public void start() {
        running = true;
        if (settings.warmUpHosts() == 0) {
            return;
        }
        try {
            WarmUp.Done done = WarmUp.run(settings.warmUpHosts(), REVISIONS, names, workers,
                    Path.of(System.getProperty("java.io.tmpdir")));
            log.info("warmed up in {} ms: {} applies and {} looks at a made-up mesh of {} hosts (wgmesh.warm-up-hosts)",
                    done.took().toMillis(), done.applied(), done.observed(), settings.warmUpHosts());
        } catch (IOException | RuntimeException e) {
            log.warn("the warm-up failed, starting without it: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }
}
