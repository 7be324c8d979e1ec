package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.config.domain.GroupStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads wgmesh.host-group-changed, the service's only store, from the beginning to its end offsets
 * into {@link GroupStore}. It runs as the first lifecycle phase: after KafkaAdmin made the topics,
 * before the listener containers and the web server start, so nothing is served from empty memory.
 */
@Component
class GroupChangedLoader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GroupChangedLoader.class);

    private final KafkaProperties kafkaProperties;
    private final GroupStore store;
    private volatile boolean running;

    GroupChangedLoader(KafkaProperties kafkaProperties, GroupStore store) {
        this.kafkaProperties = kafkaProperties;
        this.store = store;
    }

    @Override
    public void start() {
        Map<String, Object> config = new HashMap<>(kafkaProperties.buildConsumerProperties());
        // no group: assigned partitions, nothing committed
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        int records = 0;
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.HOST_GROUP_CHANGED, Duration.ofSeconds(60))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                    records++;
                }
            }
        }
        log.info("loaded {} groups from {} records of {}", store.currentGroups().size(), records, Topics.HOST_GROUP_CHANGED);
        running = true;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            try {
                store.forget(GroupName.parse(record.key()));
            } catch (InvalidValueException e) {
                log.warn("skipping a tombstone at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            }
            return;
        }
        try {
            store.remember(EventJson.read(record.value(), HostGroupChanged.class));
        } catch (InvalidEventException e) {
            log.warn("skipping an unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before everything else that starts, the listener containers and the web server included. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
