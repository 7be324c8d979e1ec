package dev.wgmesh.kafka;

import dev.wgmesh.common.group.GroupName;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * A replicated service's memory follows the partitions its consumer group gives it: when the consumer is
 * assigned partitions of the topic it consumes, the memory of their groups is read back from the compacted
 * topics ({@link #load}) before any of their records is handed to the listener; when it loses partitions,
 * their groups are forgotten. So a replica that takes over a group after a rebalance works from what the
 * previous owner last published, never from what it knew itself before, and no restart is needed.
 * Every record of the consumed topic is keyed by its group, so a group's partition is the one Kafka's
 * producers give its key.
 */
public abstract class GroupsFollowPartitions implements ConsumerAwareRebalanceListener {

    private final String topic;

    protected GroupsFollowPartitions(String topic) {
        this.topic = topic;
    }

    /** Replaces what is known of the groups {@code owned} accepts with what the compacted topics hold. */
    protected abstract void load(Predicate<GroupName> owned);

    /** Drops everything known of the groups {@code lost} accepts. */
    protected abstract void forget(Predicate<GroupName> lost);

    /** The partition Kafka's producers (and kcat with murmur2_random) give a record keyed by the group. */
    public static int partitionOf(GroupName group, int partitions) {
        return Utils.toPositive(Utils.murmur2(group.value().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> assigned = ofTopic(partitions);
        if (!assigned.isEmpty()) {
            int count = consumer.partitionsFor(topic).size();
            load(group -> assigned.contains(partitionOf(group, count)));
        }
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        lose(consumer, partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        lose(consumer, partitions);
    }

    private void lose(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> lost = ofTopic(partitions);
        if (!lost.isEmpty()) {
            int count = consumer.partitionsFor(topic).size();
            forget(group -> lost.contains(partitionOf(group, count)));
        }
    }

    private Set<Integer> ofTopic(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(p -> p.topic().equals(topic)).map(TopicPartition::partition)
                .collect(Collectors.toSet());
    }
}
