package dev.wgmesh.kafka;

import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One poll's records in one Kafka transaction, the listener's (TransactionalKafkaConfig): a commit per poll
 * instead of per record is what lets a hundred changes at once pass (BENCHMARKS.md, "Kafka alone"). It stays as
 * exact as a transaction per record:
 * <ul>
 * <li>the listener keeps what it decided for a group earlier in the poll beside its memory, and reads it before
 * the memory: the memory itself learns the poll's decisions only once they are committed ({@link AfterCommit});</li>
 * <li>a record that can never succeed ({@link DeadLetters#invalid}) goes to its DLT inside the transaction, so its
 * offset is committed with the others', and the poll goes on. Any other failure rolls the whole poll back, to be
 * fetched again and retried.</li>
 * </ul>
 */
public final class PollBatch {

    private final DeadLetters deadLetters;

    public PollBatch(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** Hands each record of the poll to {@code handler}, in order, with its log context set. */
    public void handle(List<ConsumerRecord<String, byte[]>> records, org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
                       Consumer<ConsumerRecord<String, byte[]>> handler) {
        for (ConsumerRecord<String, byte[]> record : records) {
            try (RecordLogContext context = RecordLogContext.of(record)) {
                handler.accept(record);
            } catch (RuntimeException e) {
                if (!DeadLetters.invalid(e)) {
                    throw e;
                }
                deadLetters.accept(record, consumer, e);
            }
        }
    }
}
