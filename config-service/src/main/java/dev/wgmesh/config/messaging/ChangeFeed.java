package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChangeRejected;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.config.domain.Accepted;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.PublishFailedException;
import dev.wgmesh.config.domain.RequestRejected;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.PollingThread;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Every replica's view of the groups and of the outcome of requests: one thread reads
 * wgmesh.host-group-changed from its beginning into {@link GroupStore} (the only writer of the store)
 * and wgmesh.host-group-rejected from the end, for as long as the service runs, and completes the
 * requests that wait for an outcome. It starts first and loads the whole changed-topic before the
 * listener containers and the web server start, so nothing is served from empty memory.
 */
@Component
class ChangeFeed implements SmartLifecycle {

    /** Record headers the deciding replica adds to its answer: the request's id, and whether it created the group. */
    static final String REQUEST_HEADER = "wgmesh_requestid";
    static final String CREATED_HEADER = "wgmesh_created";

    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaProperties kafkaProperties;
    private final GroupStore store;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;
    private final Map<UUID, CompletableFuture<Accepted>> waiting = new ConcurrentHashMap<>();
    /** The feed's position on every changed-topic partition, after the records before it are in the store. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private KafkaConsumer<String, byte[]> consumer;
    private Admin admin;
    private List<TopicPartition> changedPartitions;
    private PollingThread polling;

    ChangeFeed(KafkaProperties kafkaProperties, GroupStore store, RecordVerifier verifier, DeadLetters deadLetters) {
        this.kafkaProperties = kafkaProperties;
        this.store = store;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
    }

    @Override
    public void start() {
        admin = Admin.create(KafkaClients.admin(kafkaProperties));
        consumer = new KafkaConsumer<>(KafkaClients.assignedConsumer(kafkaProperties, "wgmesh-config-change-feed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        changedPartitions = partitions(Topics.HOST_GROUP_CHANGED);
        List<TopicPartition> rejectedPartitions = partitions(Topics.HOST_GROUP_REJECTED);
        consumer.assign(Stream.concat(changedPartitions.stream(), rejectedPartitions.stream()).toList());
        consumer.seekToBeginning(changedPartitions);
        // only answers to requests made from now on matter
        consumer.seekToEnd(rejectedPartitions);
        rejectedPartitions.forEach(consumer::position);
        polling = new PollingThread(consumer, "wgmesh-config-change-feed", Duration.ofMillis(200), this::read);
        polling.start();
        awaitCaughtUp(START_TIMEOUT);
        log.info("loaded {} groups from {}", store.currentGroups().size(), Topics.HOST_GROUP_CHANGED);
    }

    private List<TopicPartition> partitions(String topic) {
        return consumer.partitionsFor(topic, START_TIMEOUT).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private void read(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            apply(record);
        }
        for (TopicPartition partition : changedPartitions) {
            positions.put(partition, consumer.position(partition));
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * Waits until the store holds every record written to the changed-topic before this call (and its
     * transaction is settled), so a decision made after this sees every change published before.
     *
     * @throws PublishFailedException when the broker does not answer or the feed does not get there in time
     */
    void awaitCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends;
        try {
            // the high watermark, not the last stable offset: a transaction that was committed a moment ago may
            // not have its marker yet and would be left out of the stable end; reading (read_committed) up to
            // the high watermark waits until every record written so far is committed or aborted
            ends = admin.listOffsets(changedPartitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())),
                            new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while reading the end of " + Topics.HOST_GROUP_CHANGED, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PublishFailedException("Kafka did not tell the end of " + Topics.HOST_GROUP_CHANGED + ": " + e, e);
        }
        synchronized (progress) {
            while (ends.entrySet().stream().anyMatch(end -> positions.getOrDefault(end.getKey(), -1L) < end.getValue())) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !isRunning()) {
                    throw new PublishFailedException("the groups in memory did not catch up with "
                            + Topics.HOST_GROUP_CHANGED + " in time", null);
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PublishFailedException("interrupted while catching up", e);
                }
            }
        }
    }

    /** Call before sending the request, so its outcome cannot pass unseen; {@link #forget} it afterwards. */
    CompletableFuture<Accepted> expect(UUID requestId) {
        return waiting.computeIfAbsent(requestId, id -> new CompletableFuture<>());
    }

    void forget(UUID requestId) {
        waiting.remove(requestId);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(Topics.HOST_GROUP_CHANGED)) {
                if (record.value() == null) {
                    verifier.verify(record);
                    store.forget(GroupName.parse(record.key()));
                    return;
                }
                HostGroupChanged change = verifier.read(record, HostGroupChanged.class);
                store.remember(change);
                CompletableFuture<Accepted> waiter = waiter(record);
                if (waiter != null) {
                    waiter.complete(new Accepted(change, "true".equals(CloudEvents.header(record.headers(), CREATED_HEADER))));
                }
            } else {
                CompletableFuture<Accepted> waiter = waiter(record);
                if (waiter != null) {
                    HostGroupChangeRejected rejected = verifier.read(record, HostGroupChangeRejected.class);
                    HttpStatus status = HttpStatus.resolve(rejected.status());
                    waiter.completeExceptionally(new RequestRejected(rejected.status(),
                            status == null ? "Rejected" : status.getReasonPhrase(), rejected.revision(), rejected.problems()));
                }
            }
        } catch (RuntimeException e) {
            // whatever one record does, the feed goes on: a stopped feed would freeze every group
            deadLetters.refused(record, e);
        }
    }

    private CompletableFuture<Accepted> waiter(ConsumerRecord<String, byte[]> record) {
        String id = CloudEvents.header(record.headers(), REQUEST_HEADER);
        if (id == null) {
            return null;
        }
        try {
            return waiting.get(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void stop() {
        if (polling != null) {
            polling.stop();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    @Override
    public boolean isRunning() {
        return polling != null && polling.isRunning();
    }

    /** Before everything else that starts, the listener containers and the web server included; stops last. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
