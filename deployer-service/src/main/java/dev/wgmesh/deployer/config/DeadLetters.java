package dev.wgmesh.deployer.config;

import dev.wgmesh.common.events.DeadLetterReason;
import dev.wgmesh.common.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/**
 * Sends a record that cannot be processed to its topic's DLT and counts it in {@code wgmesh.dead.letters}
 * (tag {@code topic}). The headers carry the failure's class and a {@link DeadLetterReason}, never a
 * stack trace, so no secret can reach a DLT through them.
 */
final class DeadLetters implements ConsumerAwareRecordRecoverer {

    static final String COUNTER = "wgmesh.dead.letters";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final DeadLetterPublishingRecoverer publisher;
    private final MeterRegistry meters;

    DeadLetters(KafkaOperations<?, ?> kafka, MeterRegistry meters) {
        this.publisher = new DeadLetterPublishingRecoverer(kafka,
                (record, e) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        this.publisher.setExceptionHeadersCreator(DeadLetters::reasonHeaders);
        this.meters = meters;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception e) {
        log.warn("sending {}-{}@{} to {}: {}", record.topic(), record.partition(), record.offset(),
                Topics.deadLetter(record.topic()), DeadLetterReason.of(failure(e)));
        publisher.accept(record, consumer, e);
        meters.counter(COUNTER, "topic", record.topic()).increment();
    }

    private static void reasonHeaders(Headers headers, Exception e, boolean isKey,
                                      DeadLetterPublishingRecoverer.HeaderNames names) {
        Throwable failure = failure(e);
        var info = names.getExceptionInfo();
        headers.add(info.getExceptionFqcn(), failure.getClass().getName().getBytes(StandardCharsets.UTF_8));
        headers.add(info.getExceptionMessage(), DeadLetterReason.of(failure).getBytes(StandardCharsets.UTF_8));
    }

    /** The listener's own exception, not Spring's wrapper around it. */
    private static Throwable failure(Exception e) {
        return e instanceof ListenerExecutionFailedException && e.getCause() != null ? e.getCause() : e;
    }
}
