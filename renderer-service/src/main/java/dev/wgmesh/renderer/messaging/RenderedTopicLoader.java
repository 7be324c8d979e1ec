package dev.wgmesh.renderer.messaging;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.renderer.domain.RenderedHosts;
import java.time.Duration;
import java.time.Instant;
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
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads wgmesh.host-config-rendered from the beginning to its end into the memory, then starts the
 * listener. The topic is compacted, so this is the last published state of every host.
 */
@Component
class RenderedTopicLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RenderedTopicLoader.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

    private final RenderedHosts memory;
    private final ConsumerFactory<?, ?> consumerFactory;
    private final KafkaListenerEndpointRegistry registry;

    RenderedTopicLoader(RenderedHosts memory, ConsumerFactory<?, ?> consumerFactory, KafkaListenerEndpointRegistry registry) {
        this.memory = memory;
        this.consumerFactory = consumerFactory;
        this.registry = registry;
    }

    @Override
    public void run(ApplicationArguments args) {
        load();
        registry.getListenerContainer(KeysListener.ID).start();
    }

    void load() {
        Map<String, Object> config = new HashMap<>(consumerFactory.getConfigurationProperties());
        // no group: assign every partition and commit nothing
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "wgmesh-renderer-loader");
        long records = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    read(record);
                    records++;
                }
            }
        }
        log.info("loaded {} records of {}: {} hosts rendered", records, Topics.HOST_CONFIG_RENDERED, memory.hostCount());
    }

    /** The topic is created at start by KafkaAdmin, but its metadata may take a moment to reach this client. */
    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        Instant deadline = Instant.now().plus(METADATA_TIMEOUT);
        while (true) {
            var infos = consumer.partitionsFor(Topics.HOST_CONFIG_RENDERED, METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("topic " + Topics.HOST_CONFIG_RENDERED + " has no partitions");
            }
        }
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        int slash = key == null ? -1 : key.indexOf('/');
        try {
            GroupName group = new GroupName(key.substring(0, Math.max(slash, 0)));
            HostName host = new HostName(key.substring(slash + 1));
            if (record.value() == null) {
                memory.forget(group, host);
            } else {
                JsonNode value = EventJson.tree(record.value());
                memory.remember(group, host, value.get("contentHash").asString(), value.get("revision").asLong());
            }
        } catch (RuntimeException e) {
            // not ours to repair; the host is simply re-rendered with the next change of its group
            log.warn("ignoring unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }
}
