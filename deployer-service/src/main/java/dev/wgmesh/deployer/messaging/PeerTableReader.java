package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.deployer.domain.PeerTables;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import java.util.List;
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

    private final SignedTopicReader reader;

    PeerTableReader(PeerTables tables, ConsumerFactory<?, ?> consumerFactory, RecordVerifier verifier,
                    DeadLetters deadLetters, TopicNames names) {
        this.reader = new SignedTopicReader(consumerFactory.getConfigurationProperties(), "wgmesh-deployer-peer-tables",
                names, List.of(Topics.MESH_PEERS_RENDERED), SignedTopicReader.From.BEGINNING, verifier, deadLetters,
                signed -> read(tables, signed));
    }

    private static void read(PeerTables tables, SignedRecord signed) {
        if (signed.tombstone()) {
            tables.remove(GroupName.parse(String.valueOf(signed.record().key())), signed.revision());
        } else {
            tables.put(signed.event(MeshPeersRendered.class));
        }
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public void stop() {
        reader.stop();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }

    /** Before the listener container, so tables are on their way when host records come; stops after it. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
