package dev.wgmesh.config.web;

import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * Follows every wgmesh topic from its end and hands each record to the {@link EventHub}: every
 * config-service instance sees every record, commits nothing, and a restart starts again at the then latest
 * offsets. A record of a topic whose records are signed reaches the clients only when its owner's trusted
 * key signed it, so a forged fact never shows as one; dead letters and change requests show as what they are.
 */
final class EventFeed implements SmartLifecycle {

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final EventHub hub;
    private final SignedTopicReader reader;
    private ScheduledExecutorService heartbeat;

    EventFeed(KafkaProperties kafkaProperties, EventHub hub, RecordVerifier verifier, DeadLetters deadLetters) {
        this.hub = hub;
        this.reader = new SignedTopicReader(kafkaProperties.buildConsumerProperties(), "wgmesh-config-event-feed",
                Topics.ALL.stream().map(Topics.TopicSpec::name).toList(), SignedTopicReader.From.END, verifier,
                deadLetters, signed -> {
                    if (hub.hasClients()) {
                        hub.publish(FeedRecords.of(signed.record()));
                    }
                });
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
