package dev.wgmesh.cli.bench;

import dev.wgmesh.kafka.WgmeshKafkaConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Kafka's own share of a small change's time: one record through the hops a change takes, with no work in any of
 * them. A send (the API's command), three consume-produce transactions (config-service's decision, keygen, the
 * renderer), a consume and a plain send (a deployer's report) and a read-committed read (config-service's status),
 * each with the services' own client settings, on topics of the installation's replicas. One record at a time
 * shows what a small change's time cannot go below, many at once what the changes per second cannot go above,
 * however little the services do. Many at once go both with one transaction per poll, as the services commit, and
 * with one per record, as they did before (BENCHMARKS.md).
 */
final class KafkaHops implements AutoCloseable {

    private static final int TRANSACTIONS = 3;
    private static final int RELAYS = TRANSACTIONS + 1;
    private static final Duration POLL = Duration.ofMillis(100);
    /** About the size of the seed's records. */
    private static final byte[] VALUE = new byte[2048];

    private final String bootstrapServers;
    private final boolean transactionPerPoll;
    private final String prefix = "wgmesh-bench-hops-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final List<Thread> relays = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean stopped;

    /** @param transactionPerPoll one transaction for all the records a poll returned, instead of one per record */
    private KafkaHops(String bootstrapServers, boolean transactionPerPoll) {
        this.bootstrapServers = bootstrapServers;
        this.transactionPerPoll = transactionPerPoll;
    }

    /**
     * The median seconds of {@code times} records sent one after the other, after as many untimed; each record is
     * its poll, so its own transaction.
     */
    static double medianSeconds(String bootstrapServers, short replicationFactor, int times) throws Exception {
        try (KafkaHops hops = new KafkaHops(bootstrapServers, false)) {
            hops.createTopics(replicationFactor);
            hops.startRelays();
            return hops.measure(times);
        }
    }

    /**
     * The seconds {@code rounds} rounds of {@code records} records sent at once take to come through, after one
     * round untimed: what the services' changes per second cannot go above.
     */
    static double burstSeconds(String bootstrapServers, short replicationFactor, int records, int rounds,
                               boolean transactionPerPoll) throws Exception {
        try (KafkaHops hops = new KafkaHops(bootstrapServers, transactionPerPoll)) {
            hops.createTopics(replicationFactor);
            hops.startRelays();
            return hops.measureBursts(records, rounds);
        }
    }

    private String topic(int hop) {
        return prefix + "-" + hop;
    }

    private void createTopics(short replicationFactor) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (int hop = 0; hop <= RELAYS; hop++) {
            topics.add(new NewTopic(topic(hop), 1, replicationFactor).configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                    Integer.toString(WgmeshKafkaConfig.minInSyncReplicas(replicationFactor)))));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(topics).all().get();
        }
    }

    private void startRelays() {
        for (int hop = 0; hop < RELAYS; hop++) {
            int from = hop;
            Thread relay = new Thread(() -> relay(from, from < TRANSACTIONS), "bench-hop-" + hop);
            relay.setDaemon(true);
            relay.start();
            relays.add(relay);
        }
    }

    /** Each record on to the next topic: in a transaction with its offset, as keygen does, or sent as a deployer does. */
    private void relay(int hop, boolean transactional) {
        Map<String, Object> producerSettings = producerSettings();
        if (transactional) {
            producerSettings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "-" + hop);
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer(prefix + "-" + hop);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerSettings)) {
            TopicPartition in = new TopicPartition(topic(hop), 0);
            consumer.assign(List.of(in));
            if (transactional) {
                producer.initTransactions();
            }
            while (!stopped) {
                List<ConsumerRecord<String, byte[]>> polled = consumer.poll(POLL).records(in);
                if (polled.isEmpty()) {
                    continue;
                }
                if (transactional && transactionPerPoll) {
                    producer.beginTransaction();
                    polled.forEach(record -> producer.send(next(hop, record)));
                    producer.sendOffsetsToTransaction(after(in, polled.get(polled.size() - 1)), consumer.groupMetadata());
                    producer.commitTransaction();
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : polled) {
                    if (transactional) {
                        producer.beginTransaction();
                        producer.send(next(hop, record));
                        producer.sendOffsetsToTransaction(after(in, record), consumer.groupMetadata());
                        producer.commitTransaction();
                    } else {
                        producer.send(next(hop, record));
                        consumer.commitAsync(after(in, record), null);
                    }
                }
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    private ProducerRecord<String, byte[]> next(int hop, ConsumerRecord<String, byte[]> record) {
        return new ProducerRecord<>(topic(hop + 1), record.key(), record.value());
    }

    private static Map<TopicPartition, OffsetAndMetadata> after(TopicPartition in, ConsumerRecord<String, byte[]> record) {
        return Map.of(in, new OffsetAndMetadata(record.offset() + 1));
    }

    private double measureBursts(int records, int rounds) throws Exception {
        long start = 0;
        try (KafkaProducer<String, byte[]> api = new KafkaProducer<>(producerSettings());
             KafkaConsumer<String, byte[]> status = consumer(prefix + "-status")) {
            status.assign(List.of(new TopicPartition(topic(RELAYS), 0)));
            for (int round = 0; round <= rounds; round++) {
                if (round == 1) {
                    start = System.nanoTime();
                }
                for (int i = 0; i < records; i++) {
                    api.send(new ProducerRecord<>(topic(0), "burst-" + round + "-" + i, VALUE));
                }
                api.flush();
                awaitRecord(status, "burst-" + round + "-" + (records - 1), System.nanoTime());
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private double measure(int times) throws Exception {
        List<Double> seconds = new ArrayList<>();
        try (KafkaProducer<String, byte[]> api = new KafkaProducer<>(producerSettings());
             KafkaConsumer<String, byte[]> status = consumer(prefix + "-status")) {
            status.assign(List.of(new TopicPartition(topic(RELAYS), 0)));
            for (int i = 0; i < 2 * times; i++) {
                String key = "record-" + i;
                long start = System.nanoTime();
                api.send(new ProducerRecord<>(topic(0), key, VALUE)).get();
                awaitRecord(status, key, start);
                if (i >= times) {
                    seconds.add((System.nanoTime() - start) / 1e9);
                }
                // the hops idle between changes, as they do between a user's
                Thread.sleep(50);
            }
        }
        seconds.sort(null);
        return seconds.get(seconds.size() / 2);
    }

    private void awaitRecord(KafkaConsumer<String, byte[]> status, String key, long start) throws Exception {
        while (true) {
            if (failure.get() != null) {
                throw failure.get();
            }
            if (System.nanoTime() - start > Duration.ofMinutes(1).toNanos()) {
                throw new IllegalStateException("record " + key + " did not come through the " + RELAYS + " hops in a minute");
            }
            for (ConsumerRecord<String, byte[]> record : status.poll(Duration.ofMillis(10))) {
                if (record.key().equals(key)) {
                    return;
                }
            }
        }
    }

    private KafkaConsumer<String, byte[]> consumer(String group) {
        Map<String, Object> settings = clientSettings("spring.kafka.consumer.");
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(settings);
    }

    private Map<String, Object> producerSettings() {
        Map<String, Object> settings = clientSettings("spring.kafka.producer.");
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return settings;
    }

    /**
     * The services' client settings from the file they all load, as Kafka names them: {@code
     * spring.kafka.producer.batch-size} is {@code batch.size}, {@code spring.kafka.producer.properties[linger.ms]}
     * is {@code linger.ms}.
     */
    private static Map<String, Object> clientSettings(String springPrefix) {
        Properties file = new Properties();
        try (InputStream in = KafkaHops.class.getResourceAsStream("/wgmesh-kafka.properties")) {
            file.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("wgmesh-kafka.properties is not on the class path", e);
        }
        Map<String, Object> settings = new HashMap<>();
        for (String name : file.stringPropertyNames()) {
            if (name.startsWith(springPrefix)) {
                String key = name.substring(springPrefix.length());
                key = key.startsWith("properties[") ? key.substring("properties[".length(), key.length() - 1)
                        : key.replace('-', '.');
                settings.put(key, file.getProperty(name));
            }
        }
        return settings;
    }

    @Override
    public void close() throws Exception {
        stopped = true;
        for (Thread relay : relays) {
            relay.join(Duration.ofSeconds(10).toMillis());
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            List<String> topics = new ArrayList<>();
            for (int hop = 0; hop <= RELAYS; hop++) {
                topics.add(topic(hop));
            }
            admin.deleteTopics(topics).all().get();
        }
    }
}
