package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.config.domain.GroupStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Guards wgmesh.deployment-reported, the one topic no other service consumes: a report that cannot be
 * read, whose key is not its group/host, or that names a group config-service never had goes to the
 * topic's DLT through the error handler. A stable consumer group, unlike the status board's fresh one,
 * so each poison record is sent there once, by one replica.
 */
@Component
class ReportGuard {

    private final GroupStore store;

    ReportGuard(GroupStore store) {
        this.store = store;
    }

    @KafkaListener(topics = Topics.DEPLOYMENT_REPORTED, groupId = "wgmesh-config-reports")
    void onReport(ConsumerRecord<String, byte[]> record) {
        DeploymentReported report = EventJson.read(record.value(), DeploymentReported.class);
        String key = HostConfigRendered.key(report.group(), report.host());
        if (!key.equals(record.key())) {
            throw new InvalidEventException("the record key \"" + record.key() + "\" is not the report's " + key);
        }
        if (store.latest(report.group()).isEmpty()) {
            throw new InvalidEventException("a report for group \"" + report.group()
                    + "\", which config-service never had");
        }
    }
}
