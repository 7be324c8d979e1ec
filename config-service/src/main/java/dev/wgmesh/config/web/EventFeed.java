package dev.wgmesh.config.web;

import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.kafka.AssignedConsumer;
import dev.wgmesh.kafka.DeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * Reads every wgmesh topic from its end, as records arrive, and hands them to the {@link EventHub}. A
 * record of a topic that has a signer reaches the clients only when that signer's trusted key signed it,
 * so a forged fact never shows as one; dead letters and change requests are shown as what they are.
 * A plain consumer on assigned partitions, with no consumer group: every config-service instance sees
 * every record and commits nothing, and a restart starts again at the then latest offsets.
 */
final class EventFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final KafkaProperties kafkaProperties;
    private final EventHub hub;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private final CountDownLatch following = new CountDownLatch(1);
    private volatile boolean running;

    EventFeed(KafkaProperties kafkaProperties, EventHub hub, RecordVerifier verifier, DeadLetters deadLetters) {
        this.kafkaProperties = kafkaProperties;
        this.hub = hub;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(AssignedConsumer.settings(kafkaProperties.buildConsumerProperties(),
                "wgmesh-config-event-feed"), new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "wgmesh-event-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            assignAtEnd();
            long nextHeartbeat = System.nanoTime() + HEARTBEAT.toNanos();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (hub.hasClients() && trusted(record)) {
                        hub.publish(FeedRecords.of(record));
                    }
                }
                if (System.nanoTime() > nextHeartbeat) {
                    hub.heartbeat();
                    nextHeartbeat = System.nanoTime() + HEARTBEAT.toNanos();
                }
            }
        } catch (WakeupException e) {
            // stop() woke the consumer
        } catch (KafkaException | IllegalStateException e) {
            if (running) {
                log.error("the live event feed stopped: {}", e.toString());
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean trusted(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(Topics.HOST_GROUP_COMMANDS) || Topics.owner(record.topic()).isEmpty()) {
            return true;
        }
        try {
            verifier.verify(record);
            return true;
        } catch (RuntimeException e) {
            deadLetters.refused(record, e);
            return false;
        }
    }

    /** Every partition of every wgmesh topic, at its end; retried while the broker is not reachable. */
    private void assignAtEnd() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topics.TopicSpec topic : Topics.ALL) {
            List<PartitionInfo> found = null;
            while (running && found == null) {
                try {
                    found = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    log.warn("the live event feed waits for topic {}: {}", topic.name(), e.getMessage());
                }
            }
            if (found != null) {
                found.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve the positions now, so records sent from here on are all seen
        partitions.forEach(consumer::position);
        following.countDown();
        log.info("the live event feed follows {} partitions of {} topics", partitions.size(), Topics.ALL.size());
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        Thread feed = thread;
        if (feed != null) {
            try {
                feed.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        hub.closeAll();
    }

    /** Whether the feed follows the topics' ends, so every record sent from now on reaches the clients. */
    boolean awaitFollowing(Duration timeout) throws InterruptedException {
        return following.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
