package dev.wgmesh.renderer.messaging;

import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import dev.wgmesh.renderer.domain.RenderedHosts;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * every host and every peer table, as far as the renderer signed it; a host or table left out is simply
 * published again with the next change of its group.
 */
@Component
class RenderedTopicLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RenderedTopicLoader.class);

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
        new SignedTopicReader(consumerFactory.getConfigurationProperties(), "wgmesh-renderer-loader",
                List.of(Topics.HOST_CONFIG_RENDERED, Topics.MESH_PEERS_RENDERED), SignedTopicReader.From.BEGINNING,
                verifier, deadLetters, this::read).readToEnd();
        log.info("loaded {} and {}: {} hosts rendered", Topics.HOST_CONFIG_RENDERED, Topics.MESH_PEERS_RENDERED,
                memory.hostCount());
    }

    private void read(SignedRecord signed) {
        ConsumerRecord<String, byte[]> record = signed.record();
        if (record.topic().equals(Topics.MESH_PEERS_RENDERED)) {
            GroupName group = GroupName.parse(record.key());
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
