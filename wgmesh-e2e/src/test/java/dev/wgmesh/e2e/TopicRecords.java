package dev.wgmesh.e2e;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every record of every topic, read from the beginning to the current end, aborted transactions included
 * (read_uncommitted): a secret scan must see those too. {@link #committed} reads what the services see.
 */
public final class TopicRecords {

    private TopicRecords() {
    }

    public static List<ConsumerRecord<String, byte[]>> all(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            return read(bootstrapServers, List.copyOf(admin.listTopics().names().get()));
        }
    }

    /** The deployment reports of one group, each host's in the order they were published (one partition per host). */
    public static List<DeploymentReported> reports(String bootstrapServers, String group) throws Exception {
        return reports(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)).getOrDefault(group, List.of());
    }

    /**
     * Every group's deployment reports, each host's in the order published, read once.
     *
     * @param client bootstrap.servers, and a login where the broker wants one
     */
    public static Map<String, List<DeploymentReported>> reports(Map<String, Object> client) throws Exception {
        Map<String, List<DeploymentReported>> byGroup = new TreeMap<>();
        List<ConsumerRecord<String, byte[]>> records =
                read(client, List.of(Topics.DEPLOYMENT_REPORTED), IsolationLevel.READ_UNCOMMITTED);
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() != null && record.key().contains("/") && record.value() != null) {
                byGroup.computeIfAbsent(record.key().substring(0, record.key().indexOf('/')), group -> new ArrayList<>())
                        .add(EventJson.read(record.value(), DeploymentReported.class));
            }
        }
        return byGroup;
    }

    /** Only the records of committed transactions, as the services read them. */
    public static List<ConsumerRecord<String, byte[]>> committed(Map<String, Object> client, List<String> topics) throws Exception {
        return read(client, topics, IsolationLevel.READ_COMMITTED);
    }

    public static List<ConsumerRecord<String, byte[]>> read(String bootstrapServers, List<String> topics) throws Exception {
        return read(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics, IsolationLevel.READ_UNCOMMITTED);
    }

    private static List<ConsumerRecord<String, byte[]>> read(Map<String, Object> client, List<String> topics,
                                                             IsolationLevel isolation) throws Exception {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (Admin admin = Admin.create(client);
             KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var description : admin.describeTopics(topics).allTopicNames().get().values()) {
                description.partitions().forEach(p -> partitions.add(new TopicPartition(description.name(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
