package dev.wgmesh.kafka;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a locked broker: the one table that the launcher's and compose's ACLs and the README's table
 * come from. A principal reads the topics it consumes and writes their dead-letter topics; every principal may
 * describe every wgmesh topic (each service's KafkaAdmin describes them all at start). {@code admin} is the
 * broker's superuser and has no entry. The names are logical: {@link #bindings} puts the installation's prefix
 * before each topic, group and transactional id, and before the principal's Kafka user ({@link #user}).
 *
 * @param consumes topics its listeners consume: read, and bad records go to the topic's DLT
 * @param reads topics it reads whole, without dead letters (its own output, the live feed)
 * @param transactionalIdPrefix the prefix of its producers' transactional ids, or null
 */
public record KafkaAccess(String principal, Set<String> consumes, Set<String> reads, Set<String> writes,
                          Set<String> groups, String transactionalIdPrefix) {

    /** The broker's superuser: the launcher and compose's setup create users, topics and ACLs with it. */
    public static final String ADMIN = "admin";

    private static final Set<String> EVERY_TOPIC = Topics.ALL.stream().map(Topics.TopicSpec::name)
            .collect(Collectors.toCollection(LinkedHashSet::new));

    public static final List<KafkaAccess> ALL = List.of(
            // the API sends commands and reads them back in order; the guard of reports and peer tables sends
            // what no service should believe to the DLTs; the live feed, status and health read every topic
            new KafkaAccess("config",
                    Set.of(Topics.HOST_GROUP_COMMANDS, Topics.DEPLOYMENT_REPORTED, Topics.MESH_PEERS_RENDERED),
                    EVERY_TOPIC,
                    Set.of(Topics.HOST_GROUP_COMMANDS, Topics.HOST_GROUP_CHANGED, Topics.HOST_GROUP_REJECTED,
                            Topics.HOST_REAPPLY_REQUESTED, Topics.ROLLOUT_PROGRESSED),
                    Set.of("wgmesh-config", "wgmesh-config-reports"), "wgmesh-config-"),
            // reads its own keys back at start
            new KafkaAccess("keygen", Set.of(Topics.HOST_GROUP_CHANGED), Set.of(Topics.HOST_GROUP_KEYS_GENERATED),
                    Set.of(Topics.HOST_GROUP_KEYS_GENERATED), Set.of("wgmesh-keygen"), "wgmesh-keygen-"),
            // reads what it rendered, and the keys and rollouts of the groups it owns, back when it gets them
            new KafkaAccess("renderer", Set.of(Topics.HOST_GROUP_KEYS_GENERATED, Topics.ROLLOUT_PROGRESSED),
                    Set.of(Topics.HOST_CONFIG_RENDERED, Topics.MESH_PEERS_RENDERED, Topics.HOST_GROUP_KEYS_GENERATED,
                            Topics.ROLLOUT_PROGRESSED),
                    Set.of(Topics.HOST_CONFIG_RENDERED, Topics.MESH_PEERS_RENDERED), Set.of("wgmesh-renderer"),
                    "wgmesh-renderer-"),
            // every deployer reads all peer tables and reapply requests, in no group
            new KafkaAccess("deployer", Set.of(Topics.HOST_CONFIG_RENDERED),
                    Set.of(Topics.MESH_PEERS_RENDERED, Topics.HOST_REAPPLY_REQUESTED),
                    Set.of(Topics.DEPLOYMENT_REPORTED, Topics.HOST_HEALTH_REPORTED), Set.of("wgmesh-deployer"), null),
            // people and dashboards: kcat, the README's examples
            new KafkaAccess("observer", Set.of(), EVERY_TOPIC, Set.of(), Set.of(), null),
            // scripts that change groups through the commands topic instead of the API
            new KafkaAccess("automation", Set.of(), Set.of(), Set.of(Topics.HOST_GROUP_COMMANDS), Set.of(), null));

    public KafkaAccess {
        consumes = Set.copyOf(consumes);
        reads = Set.copyOf(reads);
        writes = Set.copyOf(writes);
        groups = Set.copyOf(groups);
        for (String topic : union(consumes, reads, writes)) {
            if (!EVERY_TOPIC.contains(topic)) {
                throw new IllegalArgumentException(principal + ": \"" + topic + "\" is not a wgmesh topic");
            }
        }
    }

    /** Every principal's name, {@code admin} first. */
    public static List<String> principals() {
        List<String> names = new ArrayList<>(List.of(ADMIN));
        ALL.forEach(access -> names.add(access.principal()));
        return names;
    }

    /**
     * A principal's Kafka user in the installation: its name behind the installation's prefix, so installations
     * sharing a cluster never share a user and one's keygen cannot write another's keys. {@code admin} is the
     * cluster's superuser, not an installation's, and keeps its name.
     */
    public static String user(String principal, TopicNames names) {
        return principal.equals(ADMIN) ? ADMIN : names.of(principal);
    }

    /** The topics it may read: those it consumes and those it reads whole. */
    public Set<String> readTopics() {
        return new LinkedHashSet<>(union(consumes, reads));
    }

    /** The topics it may write: its own, and the DLT of each topic it consumes. */
    public Set<String> writeTopics() {
        Set<String> topics = new LinkedHashSet<>(writes);
        consumes.stream().map(Topics::deadLetter).filter(EVERY_TOPIC::contains).forEach(topics::add);
        return topics;
    }

    /** The ACLs that grant exactly this table on the installation's topics, consumer groups and transactional ids. */
    public List<AclBinding> bindings(TopicNames names) {
        List<AclBinding> acls = new ArrayList<>();
        String user = "User:" + user(principal, names);
        EVERY_TOPIC.forEach(topic -> acls.add(allow(user, ResourceType.TOPIC, names.of(topic), PatternType.LITERAL,
                AclOperation.DESCRIBE)));
        readTopics().forEach(topic -> acls.add(allow(user, ResourceType.TOPIC, names.of(topic), PatternType.LITERAL,
                AclOperation.READ)));
        writeTopics().forEach(topic -> acls.add(allow(user, ResourceType.TOPIC, names.of(topic), PatternType.LITERAL,
                AclOperation.WRITE)));
        groups.forEach(group -> acls.add(allow(user, ResourceType.GROUP, names.of(group), PatternType.LITERAL,
                AclOperation.READ)));
        if (transactionalIdPrefix != null) {
            acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, names.of(transactionalIdPrefix), PatternType.PREFIXED,
                    AclOperation.WRITE));
        }
        return acls;
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(user, "*", operation, AclPermissionType.ALLOW));
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new LinkedHashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
