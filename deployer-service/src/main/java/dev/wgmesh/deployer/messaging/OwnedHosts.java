package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.deployer.domain.Observer;
import dev.wgmesh.kafka.AssignedConsumer;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.stereotype.Component;

/**
 * Which hosts this replica watches: those on its partitions of wgmesh.host-config-rendered. When it gets a
 * partition it reads the partition's latest record of every host back from the compacted topic (signed
 * by the renderer, or refused), before its consumer goes on from the committed offset; so a replica that
 * restarted, took over from another, or lost its disk knows every host it owns without a new change.
 */
@Component
class OwnedHosts implements ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(OwnedHosts.class);

    private final Observer observer;
    private final Map<String, Object> consumerSettings;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;
    /** The installation's name of wgmesh.host-config-rendered, whose partitions say which hosts are this replica's. */
    private final String rendered;

    OwnedHosts(Observer observer, ConsumerFactory<?, ?> consumerFactory, RecordVerifier verifier,
               DeadLetters deadLetters, TopicNames names) {
        this.observer = observer;
        this.consumerSettings = consumerFactory.getConfigurationProperties();
        this.verifier = verifier;
        this.deadLetters = deadLetters;
        this.rendered = names.of(Topics.HOST_CONFIG_RENDERED);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<TopicPartition> owned = partitions.stream().filter(p -> p.topic().equals(rendered)).toList();
        if (!owned.isEmpty()) {
            load(owned, consumer.committed(new HashSet<>(owned), SignedTopicReader.TIMEOUT));
        }
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        disown(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        disown(partitions);
    }

    private void disown(Collection<TopicPartition> partitions) {
        observer.disown(partitions.stream().filter(p -> p.topic().equals(rendered))
                .map(TopicPartition::partition).toList());
    }

    /** @param committed the consumer group's offset per partition (null or absent: none yet) */
    private void load(List<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> committed) {
        Instant start = Instant.now();
        Map<String, ConsumerRecord<String, byte[]>> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(
                AssignedConsumer.settings(consumerSettings, "wgmesh-deployer-owned-hosts"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions, SignedTopicReader.TIMEOUT);
            Instant deadline = start.plus(SignedTopicReader.TIMEOUT);
            while (partitions.stream().anyMatch(p -> reader.position(p) < ends.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + partitions + " to their end in "
                            + SignedTopicReader.TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    latest.put(record.key(), record);
                }
            }
        }
        int hosts = 0;
        for (ConsumerRecord<String, byte[]> record : latest.values()) {
            try {
                SignedRecord signed = verifier.verify(record);
                if (!signed.tombstone()) {
                    OffsetAndMetadata offset = committed.get(new TopicPartition(record.topic(), record.partition()));
                    observer.load(signed.event(HostConfigRendered.class), record.partition(),
                            offset != null && record.offset() < offset.offset());
                    hosts++;
                }
            } catch (RuntimeException e) {
                // the consumer group sends it to the DLT when it gets there; here it is only not believed
                deadLetters.refused(record, e);
            }
        }
        log.info("partitions {} of {}: {} hosts to watch, read in {} ms", partitions.stream()
                        .map(TopicPartition::partition).sorted().toList(), rendered, hosts,
                Duration.between(start, Instant.now()).toMillis());
    }
}
