package dev.wgmesh.renderer.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.kafka.AfterCommit;
import dev.wgmesh.renderer.domain.RenderPlan;
import dev.wgmesh.renderer.domain.RenderedHosts;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Renders every keyed group and publishes the hosts whose files changed. */
@Component
class KeysListener {

    static final String ID = "wgmesh-renderer";
    static final String SOURCE = "/wgmesh/renderer-service";

    private static final Logger log = LoggerFactory.getLogger(KeysListener.class);

    private final RenderedHosts memory;
    private final KafkaTemplate<String, byte[]> kafka;

    KeysListener(RenderedHosts memory, KafkaTemplate<String, byte[]> kafka) {
        this.memory = memory;
        this.kafka = kafka;
    }

    /** Started by {@link RenderedTopicLoader} once the memory is loaded, so no host is re-published needlessly. */
    @KafkaListener(id = ID, groupId = "wgmesh-renderer", topics = Topics.HOST_GROUP_KEYS_GENERATED, autoStartup = "false")
    void onKeys(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            // keygen writes a keyless record for a delete, never a tombstone; one written by hand changes nothing
            return;
        }
        HostGroupKeysGenerated keyed = EventJson.read(record.value(), HostGroupKeysGenerated.class);
        if (!keyed.group().value().equals(record.key())) {
            throw new IllegalArgumentException("record key \"" + record.key() + "\" is not the event's group \""
                    + keyed.group() + "\"");
        }
        RenderPlan plan = RenderPlan.of(keyed, memory.hashes(keyed.group()), memory.peersHash(keyed.group()),
                memory.revision(keyed.group()), Instant.now(), UUID::randomUUID);
        if (plan.skipped()) {
            log.info("group {} revision {} skipped: revision {} is already rendered", keyed.group(), keyed.revision(),
                    memory.revision(keyed.group()));
            return;
        }
        Map<HostName, Integer> partitions =
                memory.partitions(plan, kafka.partitionsFor(Topics.HOST_CONFIG_RENDERED).size());
        // one transaction with the consumed offset: the revision's records become visible all together or not at all
        if (plan.peerTable() != null) {
            kafka.send(CloudEvents.record(Topics.MESH_PEERS_RENDERED, keyed.group().value(), plan.peerTable(), SOURCE));
        }
        for (HostConfigRendered rendered : plan.publish()) {
            kafka.send(inPartition(CloudEvents.record(Topics.HOST_CONFIG_RENDERED,
                    HostConfigRendered.key(rendered.group(), rendered.host()), rendered, SOURCE),
                    partitions.get(rendered.host())));
        }
        for (HostName host : plan.remove()) {
            kafka.send(inPartition(CloudEvents.tombstone(Topics.HOST_CONFIG_RENDERED,
                    HostConfigRendered.key(keyed.group(), host), keyed, SOURCE), partitions.get(host)));
        }
        if (plan.removePeerTable()) {
            kafka.send(CloudEvents.tombstone(Topics.MESH_PEERS_RENDERED, keyed.group().value(), keyed, SOURCE));
        }
        // the memory follows the topic: after a rollback the retry must find every host still to publish
        AfterCommit.run(() -> {
            memory.apply(plan, partitions);
            log.info("group {} revision {} ({}): {} host configs published, {} hosts removed{}, correlationId {}",
                    keyed.group(), keyed.revision(), keyed.cause().json(), plan.publish().size(), plan.remove().size(),
                    plan.peerTable() != null ? ", peer table published" : plan.removePeerTable()
                            ? ", peer table removed" : "", keyed.correlationId());
        });
    }

    private static ProducerRecord<String, byte[]> inPartition(ProducerRecord<String, byte[]> record, Integer partition) {
        return new ProducerRecord<>(record.topic(), partition, record.key(), record.value(), record.headers());
    }
}
