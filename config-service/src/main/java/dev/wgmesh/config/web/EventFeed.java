package dev.wgmesh.config.web;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * Follows every wgmesh topic from its end and hands the {@link EventHub} each record some connected client wants
 * (by its key's group and host; the others are skipped unchecked): every config-service instance follows every
 * topic, commits nothing, and a restart starts again at the then latest offsets. A record of a topic whose records
 * are signed reaches the clients only when its owner's trusted key signed it, so a forged fact never shows as one;
 * dead letters and change requests show as what they are.
 */
final class EventFeed implements SmartLifecycle {

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final List<String> TOPICS = Topics.ALL.stream().map(Topics.TopicSpec::name).toList();
    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);

    private final EventHub hub;
    private final SignedTopicReader reader;
    private final Map<String, Object> consumerSettings;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;
    private final TopicNames names;
    private ScheduledExecutorService heartbeat;

    EventFeed(KafkaProperties kafkaProperties, EventHub hub, RecordVerifier verifier, DeadLetters deadLetters,
              TopicNames names) {
        this.hub = hub;
        this.consumerSettings = kafkaProperties.buildConsumerProperties();
        this.verifier = verifier;
        this.deadLetters = deadLetters;
        this.names = names;
        this.reader = new SignedTopicReader(consumerSettings, "wgmesh-config-event-feed", names,
                TOPICS, SignedTopicReader.From.END, verifier, deadLetters, signed -> hub.publish(feedEvent(signed)))
                .onlyWhere(record -> hub.wantsKey(record.key()));
    }

    /**
     * Sends the client every record of its filter written since {@code since}, then lets its held live events
     * go, but for those the history read already. Read the way the live feed reads (verified, nothing
     * committed), on the hub's sender threads; a history that cannot be read ends the client's stream.
     */
    void replay(EventHub.Client client, Instant since) {
        hub.execute(() -> {
            Map<String, Long> read = new HashMap<>();
            try {
                new SignedTopicReader(consumerSettings, "wgmesh-config-event-history", names, TOPICS, since, verifier,
                        deadLetters, signed -> {
                            FeedEvent event = feedEvent(signed);
                            read.merge(event.partition(), event.offset(), Math::max);
                            client.sendHistory(event);
                        }).onlyWhere(record -> client.wants(FeedEvent.of("", record.key(), ""))).readToEnd();
            } catch (RuntimeException e) {
                log.warn("the live feed's history since {} could not be read: {}", since, e.toString());
                client.close();
                return;
            }
            client.release(read);
        });
    }

    /** The record as the feed shows it: on its topic's logical name. */
    private FeedEvent feedEvent(SignedRecord signed) {
        return FeedRecords.of(names.logical(signed.record().topic()).orElseThrow(), signed.record());
    }

    @Override
    public void start() {
        reader.start();
        heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "wgmesh-event-feed-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleAtFixedRate(hub::heartbeat, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        reader.stop();
        hub.closeAll();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }
}
