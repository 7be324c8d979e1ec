package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.config.ConfigSettings;
import dev.wgmesh.config.domain.ChangeRequests;
import dev.wgmesh.config.domain.GroupCommand;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.PublishFailedException;
import dev.wgmesh.config.domain.RequestRejected;
import dev.wgmesh.config.domain.RolloutGate;
import dev.wgmesh.kafka.GroupsFollowPartitions;
import dev.wgmesh.kafka.Periodic;
import java.time.Clock;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Every {@code wgmesh.rollout-check-interval}, looks at the gate of each running rollout in waves whose group's
 * commands this replica decides, and once the gate passed or failed asks for the decision through the commands
 * topic like any change: the deciding thread looks at the gate again and moves the rollout on. The rollout's
 * state lives on wgmesh.rollout-progressed, so a restart or another replica carries on where it stood.
 */
@Component
class RolloutDriver extends Periodic {

    private static final Logger log = LoggerFactory.getLogger(RolloutDriver.class);

    private final GroupStore store;
    private final RolloutGate gate;
    private final ChangeRequests changes;
    private final Clock clock;
    private final KafkaListenerEndpointRegistry listeners;

    RolloutDriver(GroupStore store, RolloutGate gate, ChangeRequests changes, Clock clock,
                  KafkaListenerEndpointRegistry listeners, ConfigSettings settings) {
        super("wgmesh-rollout-gates", settings.rolloutCheckInterval());
        this.store = store;
        this.gate = gate;
        this.changes = changes;
        this.clock = clock;
        this.listeners = listeners;
    }

    @Override
    protected void runOnce() {
        Set<Integer> decided = decidedPartitions();
        int partitions = Topics.ALL.stream().filter(topic -> topic.name().equals(Topics.HOST_GROUP_COMMANDS))
                .findFirst().orElseThrow().partitions();
        for (RolloutProgressed rollout : store.runningRollouts()) {
            if (decided.contains(GroupsFollowPartitions.partitionOf(rollout.group(), partitions))
                    && gate.check(rollout, clock.instant()).outcome() != RolloutGate.Verdict.Outcome.WAITING) {
                submit(rollout);
            }
        }
    }

    private void submit(RolloutProgressed rollout) {
        try {
            changes.submit(GroupCommand.of(rollout.group(), GroupCommand.Action.ROLLOUT_CHECK, null, null, null,
                    Actor.ROLLOUT));
        } catch (RequestRejected e) {
            // the deciding thread saw it otherwise (the rollout moved on meanwhile): looked at again next time
            log.info("rollout of group {} not moved on: {}", rollout.group(), e.getMessage());
        } catch (PublishFailedException e) {
            log.warn("rollout check of group {} not sent: {}", rollout.group(), e.getMessage());
        }
    }

    /** The partitions of the commands topic this replica's listener has now. */
    private Set<Integer> decidedPartitions() {
        MessageListenerContainer container = listeners.getListenerContainer(CommandListener.ID);
        Collection<TopicPartition> assigned = container == null ? null : container.getAssignedPartitions();
        return assigned == null ? Set.of() : assigned.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }
}
