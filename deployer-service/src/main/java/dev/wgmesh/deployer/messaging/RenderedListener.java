package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.deployer.domain.Deployer;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Applies each host-config-rendered record (key "group/host", so a host's records arrive in order on
 * one partition) and publishes the outcome. Invalid records throw and go to the DLT; a report that
 * cannot be sent throws and is retried, which is safe because applying the same content again
 * changes nothing.
 */
@Component
class RenderedListener {

    static final String SOURCE = "/wgmesh/deployer-service";

    private final Deployer deployer;
    private final KafkaTemplate<String, byte[]> kafka;

    RenderedListener(Deployer deployer, KafkaTemplate<String, byte[]> kafka) {
        this.deployer = deployer;
        this.kafka = kafka;
    }

    @KafkaListener(id = "wgmesh-deployer", groupId = "wgmesh-deployer", topics = Topics.HOST_CONFIG_RENDERED,
            concurrency = "${wgmesh.listener-concurrency:1}")
    void onRendered(ConsumerRecord<String, byte[]> record) {
        Optional<DeploymentReported> report = record.value() == null ? remove(record) : deploy(record);
        report.ifPresent(this::publish);
    }

    private Optional<DeploymentReported> deploy(ConsumerRecord<String, byte[]> record) {
        HostConfigRendered rendered = EventJson.read(record.value(), HostConfigRendered.class);
        String key = HostConfigRendered.key(rendered.group(), rendered.host());
        if (!key.equals(record.key())) {
            throw new IllegalArgumentException("record key \"" + record.key() + "\" does not match its host " + key);
        }
        return deployer.deploy(rendered);
    }

    private Optional<DeploymentReported> remove(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("tombstone key \"" + key + "\" is not group/host");
        }
        String revision = CloudEvents.header(record.headers(), CloudEvents.REVISION_HEADER);
        String correlation = CloudEvents.header(record.headers(), CloudEvents.CORRELATION_HEADER);
        if (revision == null || correlation == null) {
            throw new IllegalArgumentException("tombstone for " + key + " lacks the headers "
                    + CloudEvents.REVISION_HEADER + " and " + CloudEvents.CORRELATION_HEADER);
        }
        return deployer.remove(GroupName.parse(key.substring(0, slash)), HostName.parse(key.substring(slash + 1)),
                Long.parseLong(revision), UUID.fromString(correlation));
    }

    private void publish(DeploymentReported report) {
        String key = HostConfigRendered.key(report.group(), report.host());
        try {
            kafka.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, key, report, SOURCE)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("could not publish the " + report.outcome() + " report of " + key, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing the report of " + key, e);
        }
    }
}
