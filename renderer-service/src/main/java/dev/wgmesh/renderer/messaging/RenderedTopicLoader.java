package dev.wgmesh.renderer.messaging;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.GroupsFollowPartitions;
import dev.wgmesh.kafka.SignedTopicReader;
import dev.wgmesh.renderer.domain.RenderedHosts;
import dev.wgmesh.renderer.domain.StagedGroups;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * The renderer's memory of the groups whose keys it is assigned: whenever partitions of the keys topic are
 * assigned (at start, and when a replica takes over from another), wgmesh.host-config-rendered and
 * wgmesh.mesh-peers-rendered are read from the beginning to their end for those groups. The topics are
 * compacted, so this is the last published state of every host and every peer table, as far as the renderer
 * signed it; a host or table left out is simply published again with the next change of its group. The keys
 * and rollouts of those groups are read too, for the rollouts in waves that are still to release hosts.
 */
@Component
class RenderedTopicLoader extends GroupsFollowPartitions {

    private static final Logger log = LoggerFactory.getLogger(RenderedTopicLoader.class);

    private final RenderedHosts memory;
    private final StagedGroups staged;
    private final ConsumerFactory<?, ?> consumerFactory;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;
    private final TopicNames names;

    RenderedTopicLoader(RenderedHosts memory, StagedGroups staged, ConsumerFactory<?, ?> consumerFactory,
                        RecordVerifier verifier, DeadLetters deadLetters, TopicNames names) {
        super(names.of(Topics.HOST_GROUP_KEYS_GENERATED));
        this.memory = memory;
        this.staged = staged;
        this.consumerFactory = consumerFactory;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
        this.names = names;
    }

    @Override
    protected void load(Predicate<GroupName> owned) {
        memory.forget(owned);
        staged.forget(owned);
        new SignedTopicReader(consumerFactory.getConfigurationProperties(), "wgmesh-renderer-loader", names,
                List.of(Topics.HOST_CONFIG_RENDERED, Topics.MESH_PEERS_RENDERED, Topics.HOST_GROUP_KEYS_GENERATED,
                        Topics.ROLLOUT_PROGRESSED), SignedTopicReader.From.BEGINNING,
                verifier, deadLetters, signed -> read(signed, owned)).readToEnd();
        log.info("loaded {} and {} for the assigned groups: {} hosts rendered", names.of(Topics.HOST_CONFIG_RENDERED),
                names.of(Topics.MESH_PEERS_RENDERED), memory.hostCount());
    }

    @Override
    protected void forget(Predicate<GroupName> lost) {
        memory.forget(lost);
        staged.forget(lost);
        log.info("forgot the groups of lost partitions: {} hosts rendered", memory.hostCount());
    }

    private void read(SignedRecord signed, Predicate<GroupName> owned) {
        ConsumerRecord<String, byte[]> record = signed.record();
        boolean rollout = record.topic().equals(names.of(Topics.ROLLOUT_PROGRESSED));
        if (rollout || record.topic().equals(names.of(Topics.HOST_GROUP_KEYS_GENERATED))) {
            if (!signed.tombstone() && owned.test(GroupName.parse(record.key()))) {
                if (rollout) {
                    staged.rollout(signed.event(RolloutProgressed.class));
                } else {
                    staged.keyed(signed.event(HostGroupKeysGenerated.class));
                }
            }
            return;
        }
        if (record.topic().equals(names.of(Topics.MESH_PEERS_RENDERED))) {
            GroupName group = GroupName.parse(record.key());
            if (!owned.test(group)) {
                return;
            }
            if (signed.tombstone()) {
                memory.forgetPeerTable(group);
            } else {
                memory.rememberPeerTable(group, signed.event(MeshPeersRendered.class).peersHash());
            }
            return;
        }
        String key = String.valueOf(record.key());
        int slash = key.indexOf('/');
        GroupName group = GroupName.parse(key.substring(0, Math.max(slash, 0)));
        if (!owned.test(group)) {
            return;
        }
        HostName host = HostName.parse(key.substring(slash + 1));
        if (signed.tombstone()) {
            memory.rememberPartition(group, host, record.partition());
            memory.forget(group, host);
        } else {
            HostConfigRendered rendered = signed.event(HostConfigRendered.class);
            memory.rememberPartition(group, host, record.partition());
            memory.remember(group, host, rendered.contentHash(), rendered.revision());
        }
    }
}
