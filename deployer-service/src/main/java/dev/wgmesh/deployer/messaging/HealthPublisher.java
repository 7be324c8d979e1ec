package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.events.WgmeshEvent;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.deployer.domain.Observer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends what the observer finds, signed: health to wgmesh.host-health-reported, the applies it made to
 * wgmesh.deployment-reported. Not awaited: a health report that is lost is sent again within minutes.
 */
@Component
class HealthPublisher implements Observer.Sink {

    private static final Logger log = LoggerFactory.getLogger(HealthPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final RecordSigner signer;
    private final DeployerMetrics metrics;
    private final TopicNames names;

    HealthPublisher(KafkaTemplate<String, byte[]> kafka, RecordSigner signer, DeployerMetrics metrics,
                    TopicNames names) {
        this.kafka = kafka;
        this.signer = signer;
        this.metrics = metrics;
        this.names = names;
    }

    @Override
    public void publish(WgmeshEvent event) {
        String topic = names.of(event instanceof HostHealthReported ? Topics.HOST_HEALTH_REPORTED
                : Topics.DEPLOYMENT_REPORTED);
        if (event instanceof DeploymentReported report) {
            metrics.deployed(report);
        }
        kafka.send(CloudEvents.record(topic, event, signer)).whenComplete((sent, e) -> {
            if (e != null) {
                log.warn("{}: could not publish to {}: {}", event.recordKey(), topic, e.toString());
            }
        });
    }

    @Override
    public void observed(HostHealthReported health) {
        metrics.observed(health);
    }

    @Override
    public void looked(boolean brief) {
        metrics.looked(brief);
    }

    @Override
    public void forgotten(GroupName group, HostName host) {
        metrics.forgotten(group, host);
    }
}
