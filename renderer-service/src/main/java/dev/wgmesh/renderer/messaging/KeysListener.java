package dev.wgmesh.renderer.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.UntrustedRecordException;
import dev.wgmesh.kafka.AfterCommit;
import dev.wgmesh.kafka.PollBatch;
import dev.wgmesh.renderer.domain.RenderPlan;
import dev.wgmesh.renderer.domain.RenderedHosts;
import dev.wgmesh.renderer.domain.StagedGroups;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Renders every keyed group and publishes the hosts whose files changed. A change rolled out in waves is
 * published as its rollout on wgmesh.rollout-progressed releases hosts: that topic has as many partitions as the
 * keys topic and the range assignor gives both topics' partition n to the same replica, so the replica that
 * renders a group's keys also follows its rollout.
 */
@Component
class KeysListener {

    static final String ID = "wgmesh-renderer";

    private static final Logger log = LoggerFactory.getLogger(KeysListener.class);

    private final RenderedHosts memory;
    private final StagedGroups staged;
    private final KafkaTemplate<String, byte[]> kafka;
    private final RecordVerifier verifier;
    private final RecordSigner signer;
    private final TopicNames names;
    private final PollBatch batch;

    KeysListener(RenderedHosts memory, StagedGroups staged, KafkaTemplate<String, byte[]> kafka, RecordVerifier verifier,
                 RecordSigner signer, TopicNames names, PollBatch batch) {
        this.memory = memory;
        this.staged = staged;
        this.kafka = kafka;
        this.verifier = verifier;
        this.signer = signer;
        this.names = names;
        this.batch = batch;
    }

    /**
     * A poll's keys and rollouts, rendered and published in one transaction (PollBatch). {@link RenderedTopicLoader}
     * loads the memory of a partition's groups when it is assigned, before its first record.
     */
    @KafkaListener(id = ID, groupId = "#{@topicNames.of('wgmesh-renderer')}",
            topics = {"#{@topicNames.of('" + Topics.HOST_GROUP_KEYS_GENERATED + "')}",
                    "#{@topicNames.of('" + Topics.ROLLOUT_PROGRESSED + "')}"},
            properties = "partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor", batch = "true")
    void onRecords(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        // the groups published earlier in this poll, as the memory will know them once the poll is committed
        Map<GroupName, RenderedHosts> thisPoll = new HashMap<>();
        batch.handle(records, consumer, record -> {
            if (record.topic().equals(names.of(Topics.ROLLOUT_PROGRESSED))) {
                onRollout(record, thisPoll);
            } else {
                onKeys(record, thisPoll);
            }
        });
    }

    private void onRollout(ConsumerRecord<String, byte[]> record, Map<GroupName, RenderedHosts> thisPoll) {
        RolloutProgressed rollout = verifier.read(record, RolloutProgressed.class);
        staged.rollout(rollout);
        HostGroupKeysGenerated keyed = staged.keys(rollout.group()).orElse(null);
        if (keyed != null && keyed.revision() == rollout.revision()) {
            RenderedHosts known = thisPoll.getOrDefault(keyed.group(), memory);
            publish(RenderPlan.staged(keyed, rollout, known.hashes(keyed.group()), known.peersHash(keyed.group()),
                    Instant.now(), UUID::randomUUID), thisPoll);
        }
    }

    private void onKeys(ConsumerRecord<String, byte[]> record, Map<GroupName, RenderedHosts> thisPoll) {
        if (record.value() == null) {
            // keygen writes a keyless record for a delete, never a tombstone: one that verifies changes nothing
            verifier.verify(record);
            return;
        }
        HostGroupKeysGenerated keyed = verifier.read(record, HostGroupKeysGenerated.class);
        RenderedHosts known = thisPoll.getOrDefault(keyed.group(), memory);
        if (keyed.revision() < known.revision(keyed.group())) {
            // keys come once each, in order, and exactly once: an older revision again is a replay
            throw new UntrustedRecordException("revision " + keyed.revision() + " of group " + keyed.group()
                    + " does not move forward: revision " + known.revision(keyed.group()) + " is rendered");
        }
        staged.keyed(keyed);
        RenderPlan plan = keyed.previous() != null
                ? RenderPlan.staged(keyed, staged.rollout(keyed.group()).orElse(null), known.hashes(keyed.group()),
                known.peersHash(keyed.group()), Instant.now(), UUID::randomUUID)
                : RenderPlan.of(keyed, known.hashes(keyed.group()), known.peersHash(keyed.group()),
                known.revision(keyed.group()), Instant.now(), UUID::randomUUID);
        if (plan.skipped()) {
            log.info("group {} revision {} skipped: revision {} is already rendered", keyed.group(), keyed.revision(),
                    known.revision(keyed.group()));
            return;
        }
        publish(plan, thisPoll);
    }

    private void publish(RenderPlan plan, Map<GroupName, RenderedHosts> thisPoll) {
        HostGroupKeysGenerated keyed = plan.keyed();
        Map<HostName, Integer> partitions = thisPoll.getOrDefault(plan.group(), memory)
                .partitions(plan, kafka.partitionsFor(names.of(Topics.HOST_CONFIG_RENDERED)).size());
        // one transaction with the consumed offsets: the revision's records become visible all together or not at all
        if (plan.peerTable() != null) {
            kafka.send(CloudEvents.record(names.of(Topics.MESH_PEERS_RENDERED), plan.peerTable(), signer));
        }
        for (HostConfigRendered rendered : plan.publish()) {
            kafka.send(inPartition(CloudEvents.record(names.of(Topics.HOST_CONFIG_RENDERED), rendered, signer),
                    partitions.get(rendered.host())));
        }
        for (HostName host : plan.remove()) {
            kafka.send(inPartition(CloudEvents.tombstone(names.of(Topics.HOST_CONFIG_RENDERED),
                    HostConfigRendered.key(keyed.group(), host), keyed, signer), partitions.get(host)));
        }
        if (plan.removePeerTable()) {
            kafka.send(CloudEvents.tombstone(names.of(Topics.MESH_PEERS_RENDERED), keyed.group().value(), keyed,
                    signer));
        }
        thisPoll.computeIfAbsent(plan.group(), memory::copyOf).apply(plan, partitions);
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
