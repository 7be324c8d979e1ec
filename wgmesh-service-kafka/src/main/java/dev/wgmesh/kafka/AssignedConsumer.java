package dev.wgmesh.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/** A consumer that reads whole topics itself: assigned every partition, in no consumer group, committing nothing. */
public final class AssignedConsumer {

    private AssignedConsumer() {
    }

    /** Spring's consumer settings (bootstrap servers, TLS, read_committed, ...) without the group. */
    public static Map<String, Object> settings(Map<String, Object> consumerSettings, String clientId) {
        Map<String, Object> config = new HashMap<>(consumerSettings);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    /**
     * The topic's partitions. Every service creates the topics at start (KafkaAdmin), but another may be
     * creating them right now, and their metadata may take a moment to arrive: waits for them.
     */
    public static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            var infos = consumer.partitionsFor(topic, timeout);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("topic " + topic + " does not exist after " + timeout);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }
}
