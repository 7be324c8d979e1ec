package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The deciding replica without Kafka: decides, "publishes" into a list, and the store learns the change as the feed would. */
final class Owner {

    /** The defaults of wgmesh.max-groups, wgmesh.max-hosts-total and wgmesh.max-changes-per-minute. */
    static final Quotas DEFAULT_QUOTAS = new Quotas(1000, 20_000, 60);

    final GroupStore store = new GroupStore();
    final StatusBoard board;
    final HealthBoard health = new HealthBoard();
    final GroupService decider;
    final List<HostGroupChanged> published = new ArrayList<>();
    final List<RolloutProgressed> rollouts = new ArrayList<>();

    Owner() {
        this(DEFAULT_QUOTAS, Clock.systemUTC());
    }

    Owner(Quotas quotas) {
        this(quotas, Clock.systemUTC());
    }

    Owner(Quotas quotas, Clock clock) {
        board = new StatusBoard(clock);
        decider = new GroupService(store, clock, quotas,
                new RolloutDecisions(store, new RolloutGate(board, health), clock));
    }

    Accepted upsert(GroupName group, JsonNode body, Precondition precondition) {
        return upsert(group, body, precondition, false);
    }

    Accepted upsert(GroupName group, JsonNode body, Precondition precondition, boolean force) {
        return publish(decider.upsert(group, body, precondition, force));
    }

    Accepted delete(GroupName group, Precondition precondition) {
        return publish(decider.delete(group, precondition));
    }

    Accepted rotateGroup(GroupName group, Precondition precondition) {
        return publish(decider.rotateGroup(group, precondition));
    }

    Accepted rotateHost(GroupName group, HostName host, Precondition precondition) {
        return publish(decider.rotateHost(group, host, precondition));
    }

    Accepted execute(GroupCommand command) {
        return publish(decider.decide(command));
    }

    HostGroupChanged get(GroupName group) {
        return decider.get(group);
    }

    private Accepted publish(Accepted accepted) {
        if (accepted.change() != null) {
            published.add(accepted.change());
            store.remember(accepted.change());
        }
        if (accepted.rollout() != null) {
            rollouts.add(accepted.rollout());
            store.remember(accepted.rollout());
        }
        return accepted;
    }
}
