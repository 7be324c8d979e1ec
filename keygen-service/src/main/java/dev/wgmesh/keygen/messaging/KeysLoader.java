package dev.wgmesh.keygen.messaging;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.kafka.AssignedConsumer;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.keygen.domain.KeyedGroups;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads keygen's own compacted topic to its end before the listener starts: the keys published
 * there are keygen's only memory, so after a restart every host keeps its key pair.
 */
@Component
class KeysLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(KeysLoader.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final ConsumerFactory<String, byte[]> consumerFactory;
    private final KeyedGroups keyed;
    private final KafkaListenerEndpointRegistry registry;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;

    KeysLoader(ConsumerFactory<String, byte[]> consumerFactory, KeyedGroups keyed, KafkaListenerEndpointRegistry registry,
               RecordVerifier verifier, DeadLetters deadLetters) {
        this.consumerFactory = consumerFactory;
        this.keyed = keyed;
        this.registry = registry;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
    }

    @Override
    public void run(ApplicationArguments args) {
        load();
        registry.getListenerContainer(HostGroupChangedListener.LISTENER_ID).start();
    }

    void load() {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Instant deadline = Instant.now().plus(TIMEOUT);
        int records = 0;
        try (Consumer<String, byte[]> consumer = consumerFactory.createConsumer(null, "wgmesh-keygen-loader", null, overrides)) {
            // waits for the topic rather than loading nothing: an empty memory would give every host a new key pair
            List<TopicPartition> partitions = AssignedConsumer.partitions(consumer, Topics.HOST_GROUP_KEYS_GENERATED,
                    TIMEOUT);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + Topics.HOST_GROUP_KEYS_GENERATED + " to its end in " + TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                    records++;
                }
            }
        }
        log.info("loaded the keys of {} groups from {} records of {}", keyed.size(), records, Topics.HOST_GROUP_KEYS_GENERATED);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.value() == null) {
                verifier.verify(record);
                keyed.forget(GroupName.parse(record.key()));
            } else {
                keyed.remember(verifier.read(record, HostGroupKeysGenerated.class));
            }
        } catch (RuntimeException e) {
            // only what keygen signed is its memory; a bad record there is not worth stopping for
            deadLetters.refused(record, e);
        }
    }
}
