package dev.wgmesh.kafka;

import dev.wgmesh.common.events.DeadLetterReason;
import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.UntrustedRecordException;
import dev.wgmesh.common.wireguard.InvalidValueException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ExceptionClassifier;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import tools.jackson.core.JacksonException;

/**
 * Sends a record that cannot be processed to its topic's DLT and counts it in {@code wgmesh.dead.letters}
 * (tag {@code topic}). The headers carry the failure's class and a {@link DeadLetterReason}, never a
 * stack trace, so no secret can reach a DLT through them.
 */
public final class DeadLetters implements ConsumerAwareRecordRecoverer {

    public static final String COUNTER = "wgmesh.dead.letters";
    /** Records refused because no trusted signer vouches for them, by topic: an attack or a misconfiguration. */
    public static final String UNTRUSTED_COUNTER = "wgmesh.untrusted.records";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** Failures that mean the record can never succeed: not JSON, the wrong shape, impossible values, no trusted signer. */
    private static final List<Class<? extends Exception>> INVALID = List.of(InvalidEventException.class,
            IllegalArgumentException.class, InvalidValueException.class, JacksonException.class);

    private final DeadLetterPublishingRecoverer publisher;
    private final MeterRegistry meters;

    public DeadLetters(KafkaOperations<?, ?> kafka, MeterRegistry meters) {
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
        if (failure(e) instanceof UntrustedRecordException) {
            meters.counter(UNTRUSTED_COUNTER, "topic", record.topic()).increment();
        }
    }

    /**
     * A record that a whole-topic reader refused: counted and logged, not dead-lettered, since every replica
     * reads every record again at each start; the topic's consumer group sends it to the DLT once.
     */
    public void refused(ConsumerRecord<?, ?> record, RuntimeException e) {
        log.warn("refusing {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), DeadLetterReason.of(e));
        if (e instanceof UntrustedRecordException) {
            meters.counter(UNTRUSTED_COUNTER, "topic", record.topic()).increment();
        }
    }

    private static void reasonHeaders(Headers headers, Exception e, boolean isKey,
                                      DeadLetterPublishingRecoverer.HeaderNames names) {
        Throwable failure = failure(e);
        var info = names.getExceptionInfo();
        headers.add(info.getExceptionFqcn(), failure.getClass().getName().getBytes(StandardCharsets.UTF_8));
        headers.add(info.getExceptionMessage(), DeadLetterReason.of(failure).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Records that can never succeed (not JSON, the wrong shape, impossible values) go to the DLT at
     * once instead of being retried: tells a service's error handler or after-rollback processor so.
     */
    public static void neverRetryInvalidRecords(ExceptionClassifier handler) {
        handler.addNotRetryableExceptions(INVALID.toArray(Class[]::new));
    }

    /** Whether {@code e}, or what caused it, says the record can never succeed (see {@link #neverRetryInvalidRecords}). */
    public static boolean invalid(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            Throwable failure = cause;
            if (INVALID.stream().anyMatch(type -> type.isInstance(failure))) {
                return true;
            }
        }
        return false;
    }

    /** The listener's own exception, not Spring's wrappers around it (a batch listener's names the record). */
    private static Throwable failure(Exception e) {
        Throwable failure = e;
        while ((failure instanceof ListenerExecutionFailedException || failure instanceof BatchListenerFailedException)
                && failure.getCause() != null) {
            failure = failure.getCause();
        }
        return failure;
    }
}
