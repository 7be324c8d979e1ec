package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.deployer.domain.PeerTables;
import dev.wgmesh.kafka.AssignedConsumer;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.PollingThread;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Every replica reads all of wgmesh.mesh-peers-rendered, from its beginning and for as long as it runs,
 * into {@link PeerTables}: any replica may hold any host of a group, so each needs every table. A
 * table that the renderer did not sign, that cannot be read, or whose revision does not move forward is
 * refused (counted and logged; config-service's guard sends it to the DLT); the host records naming it
 * wait for it, are retried, and go to wgmesh.host-config-rendered-dlt if it never comes.
 */
@Component
class PeerTableReader implements SmartLifecycle {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

    private final PeerTables tables;
    private final ConsumerFactory<?, ?> consumerFactory;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;
    private PollingThread polling;

    PeerTableReader(PeerTables tables, ConsumerFactory<?, ?> consumerFactory, RecordVerifier verifier,
                    DeadLetters deadLetters) {
        this.tables = tables;
        this.consumerFactory = consumerFactory;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
    }

    @Override
    public void start() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(AssignedConsumer.settings(
                consumerFactory.getConfigurationProperties(), "wgmesh-deployer-peer-tables"), new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = AssignedConsumer.partitions(consumer, Topics.MESH_PEERS_RENDERED,
                METADATA_TIMEOUT);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        polling = new PollingThread(consumer, "wgmesh-peer-tables", Duration.ofMillis(500),
                records -> records.forEach(this::read));
        polling.start();
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.value() == null) {
                long revision = verifier.verify(record);
                tables.remove(GroupName.parse(String.valueOf(record.key())), revision);
                return;
            }
            tables.put(verifier.read(record, MeshPeersRendered.class));
        } catch (RuntimeException e) {
            deadLetters.refused(record, e);
        }
    }

    @Override
    public void stop() {
        if (polling != null) {
            polling.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return polling != null && polling.isRunning();
    }

    /** Before the listener container, so tables are on their way when host records come; stops after it. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
