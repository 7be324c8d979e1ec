package dev.wgmesh.common.events;

import java.util.List;

/** The wgmesh topics (README, "Topics"); the names are part of the contract with users' tools. */
public final class Topics {

    public static final String HOST_GROUP_COMMANDS = "wgmesh.host-group-commands";
    public static final String HOST_GROUP_REJECTED = "wgmesh.host-group-rejected";
    public static final String HOST_GROUP_CHANGED = "wgmesh.host-group-changed";
    public static final String HOST_GROUP_KEYS_GENERATED = "wgmesh.host-group-keys-generated";
    public static final String HOST_CONFIG_RENDERED = "wgmesh.host-config-rendered";
    public static final String MESH_PEERS_RENDERED = "wgmesh.mesh-peers-rendered";
    public static final String DEPLOYMENT_REPORTED = "wgmesh.deployment-reported";

    /** Records up to this size pass: a 2,000-host group's keys, or one mesh's peer table of 2,000 hosts. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /** A topic's name, partition count and whether it is compacted (the system's memory) or deleted by age. */
    public record TopicSpec(String name, int partitions, boolean compacted) {
    }

    /** Every topic with its dead-letter topic; each service creates them all at start, so start order does not matter. */
    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(HOST_GROUP_COMMANDS, 3, false),
            new TopicSpec(HOST_GROUP_REJECTED, 3, false),
            new TopicSpec(HOST_GROUP_CHANGED, 3, true),
            new TopicSpec(HOST_GROUP_KEYS_GENERATED, 3, true),
            new TopicSpec(HOST_CONFIG_RENDERED, 12, true),
            // every deployer reads all of it (no consumer group), so one partition keeps a group's tables in order
            new TopicSpec(MESH_PEERS_RENDERED, 1, true),
            new TopicSpec(DEPLOYMENT_REPORTED, 6, false),
            new TopicSpec(deadLetter(HOST_GROUP_COMMANDS), 1, false),
            new TopicSpec(deadLetter(HOST_GROUP_CHANGED), 1, false),
            new TopicSpec(deadLetter(HOST_GROUP_KEYS_GENERATED), 1, false),
            new TopicSpec(deadLetter(HOST_CONFIG_RENDERED), 1, false),
            new TopicSpec(deadLetter(DEPLOYMENT_REPORTED), 1, false));

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + "-dlt";
    }
}
