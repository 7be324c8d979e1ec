package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.config.domain.ChangePublisher;
import dev.wgmesh.config.domain.PublishFailedException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/** Sends a change and waits for the broker's acknowledgement. */
final class KafkaChangePublisher implements ChangePublisher {

    static final String SOURCE = "/wgmesh/config-service";

    private final KafkaTemplate<String, byte[]> template;
    private final Duration timeout;

    KafkaChangePublisher(KafkaTemplate<String, byte[]> template, Duration timeout) {
        this.template = template;
        this.timeout = timeout;
    }

    @Override
    public void publish(HostGroupChanged change) {
        send(template, CloudEvents.record(Topics.HOST_GROUP_CHANGED, change.group().value(), change, SOURCE), timeout);
    }

    /**
     * Waits a little longer than the producer's delivery.timeout.ms (application.properties), so the
     * outcome is known when this returns and a timed-out record does not land later.
     */
    static void send(KafkaTemplate<String, byte[]> template, ProducerRecord<String, byte[]> record, Duration timeout) {
        try {
            template.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while sending to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new PublishFailedException("Kafka did not take the record for " + record.topic() + ": " + cause, cause);
        }
    }
}
