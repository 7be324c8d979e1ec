package dev.wgmesh.common.events;

import dev.wgmesh.common.trust.Signer;
import java.util.List;
import java.util.Optional;

/** The wgmesh topics (README, "Topics"); the names are part of the contract with users' tools. */
public final class Topics {

    public static final String HOST_GROUP_COMMANDS = "wgmesh.host-group-commands";
    public static final String HOST_GROUP_REJECTED = "wgmesh.host-group-rejected";
    public static final String HOST_GROUP_CHANGED = "wgmesh.host-group-changed";
    public static final String HOST_GROUP_KEYS_GENERATED = "wgmesh.host-group-keys-generated";
    public static final String HOST_CONFIG_RENDERED = "wgmesh.host-config-rendered";
    public static final String MESH_PEERS_RENDERED = "wgmesh.mesh-peers-rendered";
    public static final String DEPLOYMENT_REPORTED = "wgmesh.deployment-reported";
    public static final String HOST_HEALTH_REPORTED = "wgmesh.host-health-reported";
    public static final String HOST_REAPPLY_REQUESTED = "wgmesh.host-reapply-requested";
    public static final String ROLLOUT_PROGRESSED = "wgmesh.rollout-progressed";

    /** Records up to this size pass: a 2,000-host group's keys, or one mesh's peer table of 2,000 hosts. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /**
     * A topic's name, partition count, whether it is compacted (the system's memory) or deleted by age, and
     * the one service whose signature its records need ({@code null}: nobody consumes it as a fact).
     */
    public record TopicSpec(String name, int partitions, boolean compacted, Signer owner) {
    }

    /** Every topic with its dead-letter topic; each service creates them all at start, so start order does not matter. */
    public static final List<TopicSpec> ALL = List.of(
            // written by config-service (signed) and by the automation principal (unsigned, let in by the ACLs)
            new TopicSpec(HOST_GROUP_COMMANDS, 3, false, Signer.CONFIG),
            new TopicSpec(HOST_GROUP_REJECTED, 3, false, Signer.CONFIG),
            new TopicSpec(HOST_GROUP_CHANGED, 3, true, Signer.CONFIG),
            new TopicSpec(HOST_GROUP_KEYS_GENERATED, 3, true, Signer.KEYGEN),
            new TopicSpec(HOST_CONFIG_RENDERED, 12, true, Signer.RENDERER),
            // every deployer reads all of it (no consumer group), so one partition keeps a group's tables in order
            new TopicSpec(MESH_PEERS_RENDERED, 1, true, Signer.RENDERER),
            new TopicSpec(DEPLOYMENT_REPORTED, 6, false, Signer.DEPLOYER),
            // the latest observation of each host; config-service reads all of it back for GET .../health
            new TopicSpec(HOST_HEALTH_REPORTED, 6, true, Signer.DEPLOYER),
            // every deployer reads it from its end (no consumer group); the one that owns the host applies it
            new TopicSpec(HOST_REAPPLY_REQUESTED, 1, false, Signer.CONFIG),
            // the state of each group's rollout in waves; as many partitions as the keys topic, so the renderer
            // replica that owns a group's keys owns its rollout too
            new TopicSpec(ROLLOUT_PROGRESSED, 3, true, Signer.CONFIG),
            new TopicSpec(deadLetter(HOST_GROUP_COMMANDS), 1, false, null),
            new TopicSpec(deadLetter(HOST_GROUP_CHANGED), 1, false, null),
            new TopicSpec(deadLetter(HOST_GROUP_KEYS_GENERATED), 1, false, null),
            new TopicSpec(deadLetter(HOST_CONFIG_RENDERED), 1, false, null),
            new TopicSpec(deadLetter(MESH_PEERS_RENDERED), 1, false, null),
            new TopicSpec(deadLetter(DEPLOYMENT_REPORTED), 1, false, null),
            new TopicSpec(deadLetter(ROLLOUT_PROGRESSED), 1, false, null));

    private Topics() {
    }

    /** The service whose signature the topic's records need; empty for a DLT or a topic wgmesh does not have. */
    public static Optional<Signer> owner(String topic) {
        return ALL.stream().filter(spec -> spec.name().equals(topic)).findFirst().map(TopicSpec::owner);
    }

    /**
     * Whether every record of the topic must carry its owner's signature: all but the DLTs and the commands
     * topic, which the ACLs guard instead (the automation principal writes unsigned commands).
     */
    public static boolean signed(String topic) {
        return !topic.equals(HOST_GROUP_COMMANDS) && owner(topic).isPresent();
    }

    public static String deadLetter(String topic) {
        return topic + "-dlt";
    }
}
