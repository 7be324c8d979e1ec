package dev.wgmesh.cli.bench;

import dev.wgmesh.common.events.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a step put on the installation's wgmesh topics: the records between two snapshots, their bytes and what the
 * broker stored, by the topics' logical names.
 */
final class TopicTraffic {

    /**
     * @param bytes  key, value and header keys and values of every record, uncompressed
     * @param stored what the partitions' logs on the broker grew by: compressed batches with their overhead
     */
    record Traffic(String topic, long records, long bytes, long stored) {
    }

    /** Per partition of every wgmesh topic (dead-letter topics included): its end offset and its log's size. */
    record Snapshot(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> sizes) {
    }

    private final String bootstrapServers;
    private final TopicNames names;

    TopicTraffic(String bootstrapServers, TopicNames names) {
        this.bootstrapServers = bootstrapServers;
        this.names = names;
    }

    Snapshot snapshot() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            List<String> topics = admin.listTopics().names().get().stream()
                    .filter(t -> names.logical(t).filter(logical -> logical.startsWith("wgmesh.")).isPresent()).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
                topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
            Map<TopicPartition, Long> sizes = new HashMap<>();
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                dirs.values().forEach(dir -> dir.replicaInfos().forEach((partition, replica) -> {
                    if (latest.containsKey(partition)) {
                        sizes.merge(partition, replica.size(), Long::sum);
                    }
                }));
            }
            return new Snapshot(ends, sizes);
        }
    }

    /**
     * Per topic, in name order: the records from {@code before} to {@code after} (aborted ones too, which
     * the broker stored as well; transaction markers are not records) and their bytes. Dead-letter topics
     * are left out when nothing went to them.
     */
    List<Traffic> between(Snapshot first, Snapshot last) {
        Map<TopicPartition, Long> before = first.ends();
        Map<TopicPartition, Long> after = last.ends();
        Map<String, long[]> byTopic = new TreeMap<>();
        after.keySet().forEach(p -> byTopic.computeIfAbsent(p.topic(), t -> new long[3])[2] +=
                last.sizes().getOrDefault(p, 0L) - first.sizes().getOrDefault(p, 0L));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> grown = after.keySet().stream()
                    .filter(p -> after.get(p) > before.getOrDefault(p, 0L)).toList();
            consumer.assign(grown);
            grown.forEach(p -> consumer.seek(p, before.getOrDefault(p, 0L)));
            while (grown.stream().anyMatch(p -> consumer.position(p) < after.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < after.get(new TopicPartition(record.topic(), record.partition()))) {
                        long[] sums = byTopic.get(record.topic());
                        sums[0]++;
                        sums[1] += size(record);
                    }
                }
            }
        }
        List<Traffic> traffic = new ArrayList<>();
        byTopic.forEach((topic, sums) -> {
            if (!topic.endsWith("-dlt") || sums[0] > 0) {
                traffic.add(new Traffic(names.logical(topic).orElseThrow(), sums[0], sums[1], sums[2]));
            }
        });
        return traffic;
    }

    private static long size(ConsumerRecord<byte[], byte[]> record) {
        long bytes = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
