package dev.wgmesh.renderer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.renderer.FixedKeyGroups;
import dev.wgmesh.renderer.RendererApplication;
import dev.wgmesh.renderer.domain.RenderedHosts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.SendResult;

/**
 * The renderer fails in the middle of publishing a revision, after some of its host records reached the
 * broker: a read_committed consumer (as every deployer is) sees none of them, and once the retry
 * succeeds it sees every host of the revision exactly once.
 */
@SpringBootTest(classes = {RendererApplication.class, ExactlyOnceTest.FailingSends.class},
        properties = "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}")
class ExactlyOnceTest {

    private static final int SENDS_BEFORE_FAILURE = 3;

    @Autowired
    private FailingTemplate kafka;
    @Autowired
    private RenderedHosts memory;
    @Value("${spring.embedded.kafka.brokers}")
    private String brokers;

    @Test
    void aRevisionIsPublishedWhollyOnceOrNotAtAll() throws Exception {
        HostGroupKeysGenerated keyed = FixedKeyGroups.keyed("exactly-once", FixedKeyGroups.spec("hoster-6"), 1);
        String prefix = keyed.group().value() + "/";
        try (KafkaConsumer<String, byte[]> committed = consumer("read_committed");
             KafkaConsumer<String, byte[]> uncommitted = consumer("read_uncommitted")) {
            kafka.executeInTransaction(t -> t.send(CloudEvents.record(Topics.HOST_GROUP_KEYS_GENERATED, keyed,
                    TestTrust.signer(Signer.KEYGEN)))).get();

            // two attempts failed after their first records were written to the log, then rolled back
            List<ConsumerRecord<String, byte[]>> aborted = new ArrayList<>();
            pollUntil(uncommitted, aborted, () -> kafka.failures.get() >= 2 && aborted.size() >= 2 * SENDS_BEFORE_FAILURE);
            assertThat(aborted).allMatch(r -> r.key().startsWith(prefix));

            // read_committed reads up to the last stable offset: past every aborted record, and none shown
            Map<TopicPartition, Long> past = new HashMap<>();
            aborted.forEach(r -> past.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max));
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            pollUntil(committed, seen, () -> past.entrySet().stream()
                    .allMatch(e -> committed.position(e.getKey()) >= e.getValue()));
            assertThat(seen).isEmpty();
            assertThat(memory.hashes(keyed.group())).isEmpty();

            kafka.failing = false;
            pollUntil(committed, seen, () -> seen.size() >= 6);
            committed.poll(Duration.ofSeconds(1)).forEach(seen::add);
            assertThat(seen).extracting(ConsumerRecord::key).doesNotHaveDuplicates().hasSize(6).allMatch(k -> k.startsWith(prefix));
            assertThat(seen).allSatisfy(r ->
                    assertThat(EventJson.read(r.value(), HostConfigRendered.class).revision()).isEqualTo(1));
            assertThat(memory.hashes(keyed.group())).hasSize(6);
            assertThat(memory.revision(keyed.group())).isEqualTo(1);
        }
    }

    /** A consumer of the rendered hosts from their current end, past what earlier test classes left on the broker. */
    private KafkaConsumer<String, byte[]> consumer(String isolation) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.HOST_CONFIG_RENDERED).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static void pollUntil(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> into,
                                  java.util.function.BooleanSupplier done) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!done.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting on %s", into).isBefore(deadline);
            consumer.poll(Duration.ofMillis(100)).forEach(into::add);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FailingSends {

        /** Replaces Boot's template (it backs off when one exists); the listener and the DLT use this one. */
        @Bean
        FailingTemplate failingKafkaTemplate(ProducerFactory<String, byte[]> producerFactory) {
            return new FailingTemplate(producerFactory);
        }
    }

    /**
     * While {@code failing}, every attempt to publish host configs fails after a few records, which are
     * flushed first so that they are surely in the log when the transaction is rolled back.
     */
    static final class FailingTemplate extends KafkaTemplate<String, byte[]> {

        volatile boolean failing = true;
        final AtomicInteger failures = new AtomicInteger();
        private final AtomicInteger sends = new AtomicInteger();

        FailingTemplate(ProducerFactory<String, byte[]> producerFactory) {
            super(producerFactory);
        }

        @Override
        public CompletableFuture<SendResult<String, byte[]>> send(ProducerRecord<String, byte[]> record) {
            if (failing && record.topic().equals(Topics.HOST_CONFIG_RENDERED)
                    && sends.incrementAndGet() % (SENDS_BEFORE_FAILURE + 1) == 0) {
                flush();
                failures.incrementAndGet();
                throw new KafkaException("test: the renderer fails in the middle of a revision");
            }
            return super.send(record);
        }
    }
}
