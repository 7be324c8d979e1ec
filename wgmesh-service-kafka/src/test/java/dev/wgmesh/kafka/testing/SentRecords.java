package dev.wgmesh.kafka.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records a test sent to a service, and whether the service is done with them. keygen and the renderer
 * consume a record and publish what they make of it in one Kafka transaction, which commits the record's offset
 * too: once their consumer group has committed past every record sent, all they will ever publish for those
 * records is in the log, and a test can read a topic to its end instead of watching it for a while.
 */
public final class SentRecords implements AutoCloseable {

    /** The offset of the last record sent to each partition. */
    private final Map<TopicPartition, Long> last = new HashMap<>();
    private final Admin admin;

    public SentRecords(String brokers) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
    }

    public void add(RecordMetadata written) {
        last.merge(new TopicPartition(written.topic(), written.partition()), written.offset(), Math::max);
    }

    /** Waits until the consumer group has committed past every record sent. */
    public void awaitConsumedBy(String group, Duration timeout) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            if (last.entrySet().stream().allMatch(sent -> committed.get(sent.getKey()) != null
                    && committed.get(sent.getKey()).offset() > sent.getValue())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(group + " did not consume the records sent (last offsets " + last
                        + ") within " + timeout + "; it committed " + committed);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
