package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.SafeText;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.deployer.domain.PeerTables;
import dev.wgmesh.kafka.AssignedConsumer;
import dev.wgmesh.kafka.PollingThread;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Every replica reads all of wgmesh.mesh-peers-rendered, from its beginning and for as long as it runs,
 * into {@link PeerTables}: any replica may hold any host of a group, so each needs every table. A
 * table that cannot be read is skipped with a warning; the host records naming it wait for it, are
 * retried, and go to wgmesh.host-config-rendered-dlt if it never comes.
 */
@Component
class PeerTableReader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeerTableReader.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

    private final PeerTables tables;
    private final ConsumerFactory<?, ?> consumerFactory;
    private PollingThread polling;

    PeerTableReader(PeerTables tables, ConsumerFactory<?, ?> consumerFactory) {
        this.tables = tables;
        this.consumerFactory = consumerFactory;
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
            GroupName group = GroupName.parse(String.valueOf(record.key()));
            if (record.value() == null) {
                tables.remove(group, Long.parseLong(CloudEvents.header(record.headers(), CloudEvents.REVISION_HEADER)));
                return;
            }
            MeshPeersRendered table = EventJson.read(record.value(), MeshPeersRendered.class);
            if (!table.group().equals(group)) {
                throw new IllegalArgumentException("record key \"" + record.key() + "\" is not the table's group \""
                        + table.group() + "\"");
            }
            tables.put(table);
        } catch (RuntimeException e) {
            log.warn("skipping an unreadable peer table at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), SafeText.redact(String.valueOf(e.getMessage())));
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
