package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.config.ConfigSettings;
import dev.wgmesh.config.domain.Accepted;
import dev.wgmesh.config.domain.ChangeRequests;
import dev.wgmesh.config.domain.GroupCommand;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.PublishFailedException;
import dev.wgmesh.config.domain.RequestRejected;
import dev.wgmesh.config.domain.RotationSchedule;
import dev.wgmesh.config.domain.StatusBoard;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every {@code wgmesh.rotation-check-interval}, asks for the rotation each group's key rotation schedule has
 * due ({@link RotationSchedule#command}), through the commands topic like any change. The schedule lives in
 * the records (each key's creation time), so it survives restarts of every service.
 */
@Component
class RotationScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RotationScheduler.class);

    private final GroupStore store;
    private final StatusBoard board;
    private final ChangeRequests changes;
    private final Clock clock;
    private final long intervalMillis;
    private ScheduledExecutorService scheduler;

    RotationScheduler(GroupStore store, StatusBoard board, ChangeRequests changes, Clock clock, ConfigSettings settings) {
        this.store = store;
        this.board = board;
        this.changes = changes;
        this.clock = clock;
        this.intervalMillis = settings.rotationCheckInterval().toMillis();
    }

    /** One look at every group; a rotation asked for is rolled out before the group's next one is due. */
    void check() {
        for (HostGroupChanged group : store.currentGroups()) {
            boolean converged = board.status(group, store.rollout(group.group()).orElse(null)).converged();
            Optional<GroupCommand> due = RotationSchedule.command(group, converged, board.keyed(group.group()).orElse(null),
                    clock.instant());
            due.ifPresent(this::submit);
        }
    }

    private void submit(GroupCommand command) {
        try {
            Accepted accepted = changes.submit(command);
            log.info("scheduled rotation of {} in group {}: revision {}",
                    command.host() == null ? "the preshared keys" : "the keys of " + command.host(), command.group(),
                    accepted.change().revision());
        } catch (RequestRejected e) {
            // another replica asked first (the revision moved on), or the group changed meanwhile: looked at again next time
            log.info("scheduled rotation in group {} not made: {}", command.group(), e.getMessage());
        } catch (PublishFailedException e) {
            log.warn("scheduled rotation in group {} not sent: {}", command.group(), e.getMessage());
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "wgmesh-rotation-schedule");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                // a scheduled task that throws would never run again
                log.warn("checking the key rotation schedules failed: {}", e.toString());
            }
        }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
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
