package dev.wgmesh.kafka;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The one way a service reads whole topics: every partition assigned, no consumer group, nothing committed,
 * from the beginning (a compacted topic is a service's memory), from the end (what comes from now on) or from
 * a moment (the live feed's history), on one thread for as long as it runs. Every record of a topic whose records are signed is verified first: a
 * refused one is counted and logged ({@link DeadLetters#refused}) and never handed on; the topic's consumer
 * group sends it to the DLT once. One timeout, {@link #TIMEOUT}, for the topics to be there and for
 * catching up.
 */
public final class SignedTopicReader {

    public enum From { BEGINNING, END }

    /** How long a start waits for the topics' metadata, and a catch-up for the records before it. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Map<String, Object> consumerSettings;
    private final String name;
    /** The installation's names of the topics, and of those whose records are not signed (DLTs, commands). */
    private final List<String> topics;
    private final Set<String> unsignedTopics;
    private final From from;
    /** Where reading starts instead of {@code from}: the first record written at or after it; null: {@code from}. */
    private final Instant since;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;
    private final Consumer<SignedRecord> handler;
    /** Which records are read at all; see {@link #onlyWhere}. */
    private volatile Predicate<ConsumerRecord<String, byte[]>> wanted = record -> true;
    /** The position on every partition, after the records before it were handed on. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private KafkaConsumer<String, byte[]> consumer;
    private Admin admin;
    private List<TopicPartition> partitions;
    private PollingThread polling;

    /**
     * @param consumerSettings Spring's consumer settings (bootstrap servers, security, read_committed, ...)
     * @param name             the client id and the thread's name
     * @param names            the installation's names
     * @param topics           logical names ({@link Topics}): the reader reads the installation's topics of these names
     * @param handler          gets every record that verified (an unsigned topic's with revision -1), in order per
     *                         partition, on the reader's thread; what it throws is logged and the record skipped
     */
    public SignedTopicReader(Map<String, Object> consumerSettings, String name, TopicNames names, List<String> topics,
                             From from, RecordVerifier verifier, DeadLetters deadLetters, Consumer<SignedRecord> handler) {
        this(consumerSettings, name, names, topics, from, null, verifier, deadLetters, handler);
    }

    /** A reader that starts at the first record of each partition written at or after {@code since}. */
    public SignedTopicReader(Map<String, Object> consumerSettings, String name, TopicNames names, List<String> topics,
                             Instant since, RecordVerifier verifier, DeadLetters deadLetters,
                             Consumer<SignedRecord> handler) {
        this(consumerSettings, name, names, topics, null, Objects.requireNonNull(since, "since"), verifier, deadLetters,
                handler);
    }

    private SignedTopicReader(Map<String, Object> consumerSettings, String name, TopicNames names, List<String> topics,
                              From from, Instant since, RecordVerifier verifier, DeadLetters deadLetters,
                              Consumer<SignedRecord> handler) {
        this.consumerSettings = consumerSettings;
        this.name = name;
        this.topics = topics.stream().map(names::of).toList();
        this.unsignedTopics = topics.stream().filter(topic -> !Topics.signed(topic)).map(names::of)
                .collect(Collectors.toSet());
        this.from = from;
        this.since = since;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
        this.handler = handler;
    }

    /**
     * From now on, a record {@code wanted} refuses is skipped: neither verified nor handed on, for a reader whose
     * records matter only while someone listens (the live feed). Its position moves on all the same.
     */
    public SignedTopicReader onlyWhere(Predicate<ConsumerRecord<String, byte[]>> wanted) {
        this.wanted = Objects.requireNonNull(wanted, "wanted");
        return this;
    }

    /** Reads the topics from the start position to their end, then stops: a service's memory at start. */
    public void readToEnd() {
        start();
        try {
            awaitCaughtUp(TIMEOUT);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " was interrupted while reading " + topics, e);
        } finally {
            stop();
        }
    }

    /** Assigns every partition of the topics (waiting for them to exist) and starts reading. */
    public void start() {
        consumer = new KafkaConsumer<>(AssignedConsumer.settings(consumerSettings, name), new StringDeserializer(),
                new ByteArrayDeserializer());
        partitions = new ArrayList<>();
        for (String topic : topics) {
            partitions.addAll(AssignedConsumer.partitions(consumer, topic, TIMEOUT));
        }
        consumer.assign(partitions);
        if (since != null) {
            seekTo(since);
        } else if (from == From.BEGINNING) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        // seeking is lazy: resolve the positions now, so every record from here on is read
        partitions.forEach(p -> positions.put(p, consumer.position(p, TIMEOUT)));
        polling = new PollingThread(consumer, name, Duration.ofMillis(200), this::read);
        polling.start();
    }

    /** Each partition from its first record at or after {@code moment}; one that has none, from its end. */
    private void seekTo(Instant moment) {
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> moment.toEpochMilli())), TIMEOUT);
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = found.get(partition);
            if (offset == null) {
                none.add(partition);
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
        consumer.seekToEnd(none);
    }

    /**
     * Waits until every record written to the topics before this call (and its transaction settled) has been
     * handed on, so what is decided afterwards sees all of it.
     *
     * @throws TimeoutException when the broker does not tell the topics' ends or the reader does not get there in time
     */
    public void awaitCaughtUp(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = ends(timeout);
        synchronized (progress) {
            while (ends.entrySet().stream().anyMatch(end -> positions.getOrDefault(end.getKey(), -1L) < end.getValue())) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !isRunning()) {
                    throw new TimeoutException(name + " did not read " + topics + " to their end in " + timeout);
                }
                progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    public boolean isRunning() {
        return polling != null && polling.isRunning();
    }

    public void stop() {
        if (polling != null) {
            polling.stop();
        }
        closeAdmin();
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * The high watermarks, not the last stable offsets: a transaction committed a moment ago may not have its
     * marker yet and would be left out of the stable end; reading (read_committed) up to the high watermark
     * waits until every record written so far is committed or aborted.
     */
    private Map<TopicPartition, Long> ends(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            return admin().listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())),
                            new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (ExecutionException | TimeoutException e) {
            // an admin client that asked a broker which has died keeps waiting for it for up to a minute: the next
            // call gets a new one, which asks the partitions' new leaders
            closeAdmin();
            throw new TimeoutException("Kafka did not tell the end of " + topics + " in " + timeout + ": "
                    + (e instanceof ExecutionException ? e.getCause() : "no answer"));
        }
    }

    private synchronized void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ZERO);
            admin = null;
        }
    }

    /** One admin client for the reader's life: a request that waits for the ends should not pay for a new one. */
    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminSettings(consumerSettings));
        }
        return admin;
    }

    /** The consumer's connection and security settings, without what only a consumer knows. */
    static Map<String, Object> adminSettings(Map<String, Object> consumerSettings) {
        Map<String, Object> settings = new HashMap<>(consumerSettings);
        settings.keySet().retainAll(AdminClientConfig.configNames());
        return settings;
    }

    private void read(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (!wanted.test(record)) {
                continue;
            }
            SignedRecord signed;
            try (RecordLogContext context = RecordLogContext.of(record)) {
                signed = unsignedTopics.contains(record.topic())
                        ? new SignedRecord(record, -1) : verifier.verify(record);
                handler.accept(signed);
            } catch (RuntimeException e) {
                // whatever one record does, the reader goes on: a stopped reader would freeze the service's memory
                deadLetters.refused(record, e);
            }
        }
        for (TopicPartition partition : partitions) {
            positions.put(partition, consumer.position(partition));
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }
}
