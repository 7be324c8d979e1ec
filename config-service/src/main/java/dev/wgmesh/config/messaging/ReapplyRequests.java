package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostReapplyRequested;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.config.domain.PublishFailedException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Asks the deployers, signed, to apply one host again ({@link HostReapplyRequested} on
 * wgmesh.host-reapply-requested): not a change of the group, so no revision and no command; the deployer
 * that owns the host does it.
 */
@Component
public class ReapplyRequests {

    private final KafkaTemplate<String, byte[]> template;
    private final RecordSigner signer;
    private final Duration timeout;
    private final TopicNames names;

    ReapplyRequests(KafkaTemplate<String, byte[]> template, RecordSigner signer,
                    @Value("${wgmesh.config.request-timeout:10s}") Duration timeout, TopicNames names) {
        this.template = template;
        this.signer = signer;
        this.timeout = timeout;
        this.names = names;
    }

    /** Returns once the broker took the request. */
    public HostReapplyRequested request(HostGroupChanged current, HostName host, Actor actor) {
        UUID id = UUID.randomUUID();
        HostReapplyRequested request = new HostReapplyRequested(id, current.group(), current.revision(), Instant.now(),
                id, host, actor);
        try {
            template.send(CloudEvents.record(names.of(Topics.HOST_REAPPLY_REQUESTED), request, signer))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while asking to reapply " + request.recordKey(), e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new PublishFailedException("Kafka did not take the reapply request for " + request.recordKey()
                    + ": " + e, e);
        }
        return request;
    }
}
