package dev.wgmesh.config.web;

import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.config.ConfigSettings;
import dev.wgmesh.kafka.DeadLetters;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The live feed: one consumer thread for the topics, one hub for the clients. */
@Configuration(proxyBeanMethods = false)
class EventFeedConfig {

    /** Its sender threads are no bean: an Executor bean would also become Spring's default task executor. */
    @Bean(destroyMethod = "shutdown")
    EventHub eventHub(ConfigSettings settings) {
        AtomicInteger count = new AtomicInteger();
        ExecutorService senders = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "wgmesh-sse-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return new EventHub(senders, settings.events().maxClients(), settings.events().maxQueued());
    }

    @Bean
    EventFeed eventFeed(KafkaProperties kafkaProperties, EventHub hub, RecordVerifier verifier,
                        DeadLetters deadLetters, TopicNames names) {
        return new EventFeed(kafkaProperties, hub, verifier, deadLetters, names);
    }
}
