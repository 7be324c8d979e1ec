package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.MeshPeersRendered;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.UntrustedRecordException;
import dev.wgmesh.config.domain.GroupStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Guards the topics no consumer group reads: wgmesh.deployment-reported (the status board reads it whole
 * at every start) and wgmesh.mesh-peers-rendered (every deployer reads it whole). A record that no
 * trusted key signed, that cannot be read, whose key is not its own, that names a group config-service
 * never had, or (a report) a revision config-service never made goes to the topic's DLT through the error
 * handler. A stable consumer group, unlike the status board's fresh one, so each poison record is sent
 * there once, by one replica.
 */
@Component
class ReportGuard {

    private final GroupStore store;
    private final RecordVerifier verifier;
    private final TopicNames names;

    ReportGuard(GroupStore store, RecordVerifier verifier, TopicNames names) {
        this.store = store;
        this.verifier = verifier;
        this.names = names;
    }

    @KafkaListener(topics = {"#{@topicNames.of('" + Topics.DEPLOYMENT_REPORTED + "')}",
            "#{@topicNames.of('" + Topics.MESH_PEERS_RENDERED + "')}"},
            groupId = "#{@topicNames.of('wgmesh-config-reports')}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(names.of(Topics.MESH_PEERS_RENDERED))) {
            if (record.value() == null) {
                verifier.verify(record);
            } else {
                knownRevision(verifier.read(record, MeshPeersRendered.class).group().value(), -1);
            }
            return;
        }
        DeploymentReported report = verifier.read(record, DeploymentReported.class);
        knownRevision(report.group().value(), report.revision());
    }

    /** The group must be one config-service had, and the revision (unless -1) one it made. */
    private void knownRevision(String group, long revision) {
        HostGroupChanged latest = store.latest(GroupName.parse(group))
                .orElseThrow(() -> new UntrustedRecordException("group \"" + group + "\" is one config-service never had"));
        if (revision > latest.revision()) {
            throw new UntrustedRecordException("revision " + revision + " of group \"" + group
                    + "\" is one config-service never made (latest " + latest.revision() + ")");
        }
    }
}
