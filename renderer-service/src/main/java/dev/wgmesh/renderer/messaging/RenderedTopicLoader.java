package dev.wgmesh.renderer.messaging;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.kafka.AssignedConsumer;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.renderer.domain.RenderedHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/**
 * Reads wgmesh.host-config-rendered and wgmesh.mesh-peers-rendered from the beginning to their end into
 * the memory, then starts the listener. The topics are compacted, so this is the last published state of
 * every host and every peer table.
 */
@Component
class RenderedTopicLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RenderedTopicLoader.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

    private final RenderedHosts memory;
    private final ConsumerFactory<?, ?> consumerFactory;
    private final KafkaListenerEndpointRegistry registry;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;

    RenderedTopicLoader(RenderedHosts memory, ConsumerFactory<?, ?> consumerFactory, KafkaListenerEndpointRegistry registry,
                        RecordVerifier verifier, DeadLetters deadLetters) {
        this.memory = memory;
        this.consumerFactory = consumerFactory;
        this.registry = registry;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
    }

    @Override
    public void run(ApplicationArguments args) {
        load();
        registry.getListenerContainer(KeysListener.ID).start();
    }

    void load() {
        long records = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(AssignedConsumer.settings(consumerFactory.getConfigurationProperties(),
                             "wgmesh-renderer-loader"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>(
                    AssignedConsumer.partitions(consumer, Topics.HOST_CONFIG_RENDERED, METADATA_TIMEOUT));
            partitions.addAll(AssignedConsumer.partitions(consumer, Topics.MESH_PEERS_RENDERED, METADATA_TIMEOUT));
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
        log.info("loaded {} records of {} and {}: {} hosts rendered", records, Topics.HOST_CONFIG_RENDERED,
                Topics.MESH_PEERS_RENDERED, memory.hostCount());
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(Topics.MESH_PEERS_RENDERED)) {
            readPeerTable(record);
            return;
        }
        String key = record.key();
        int slash = key == null ? -1 : key.indexOf('/');
        try {
            GroupName group = new GroupName(key.substring(0, Math.max(slash, 0)));
            HostName host = new HostName(key.substring(slash + 1));
            if (record.value() == null) {
                verifier.verify(record);
                memory.rememberPartition(group, host, record.partition());
                memory.forget(group, host);
            } else {
                HostConfigRendered rendered = verifier.read(record, HostConfigRendered.class);
                memory.rememberPartition(group, host, record.partition());
                memory.remember(group, host, rendered.contentHash(), rendered.revision());
            }
        } catch (RuntimeException e) {
            // only what the renderer signed is its memory; the host is re-rendered with the next change of its group
            deadLetters.refused(record, e);
        }
    }

    private void readPeerTable(ConsumerRecord<String, byte[]> record) {
        try {
            GroupName group = new GroupName(record.key());
            if (record.value() == null) {
                verifier.verify(record);
                memory.forgetPeerTable(group);
            } else {
                memory.rememberPeerTable(group, verifier.read(record, MeshPeersRendered.class).peersHash());
            }
        } catch (RuntimeException e) {
            // as for a host: the table is published again with the next change of its group
            deadLetters.refused(record, e);
        }
    }
}
