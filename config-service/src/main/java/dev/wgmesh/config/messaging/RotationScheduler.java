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
import dev.wgmesh.kafka.Periodic;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every {@code wgmesh.rotation-check-interval}, asks for the rotation each group's key rotation schedule has
 * due ({@link RotationSchedule#command}), through the commands topic like any change. The schedule lives in
 * the records (each key's creation time), so it survives restarts of every service.
 */
@Component
class RotationScheduler extends Periodic {

    private static final Logger log = LoggerFactory.getLogger(RotationScheduler.class);

    private final GroupStore store;
    private final StatusBoard board;
    private final ChangeRequests changes;
    private final Clock clock;

    RotationScheduler(GroupStore store, StatusBoard board, ChangeRequests changes, Clock clock, ConfigSettings settings) {
        super("wgmesh-rotation-schedule", settings.rotationCheckInterval());
        this.store = store;
        this.board = board;
        this.changes = changes;
        this.clock = clock;
    }

    /** One look at every group; a rotation asked for is rolled out before the group's next one is due. */
    @Override
    protected void runOnce() {
        for (HostGroupChanged group : store.currentGroups()) {
            boolean converged = board.converged(group, store.rollout(group.group()).orElse(null));
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
}
