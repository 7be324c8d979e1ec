package dev.wgmesh.config.web;

import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.kafka.DeadLetters;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The live feed: one consumer thread for the topics, one hub for the clients. */
@Configuration(proxyBeanMethods = false)
class EventFeedConfig {

    /** Its sender threads are no bean: an Executor bean would also become Spring's default task executor. */
    @Bean(destroyMethod = "shutdown")
    EventHub eventHub(@Value("${wgmesh.events.max-clients:64}") int maxClients,
                      @Value("${wgmesh.events.max-queued:2000}") int maxQueued) {
        AtomicInteger count = new AtomicInteger();
        ExecutorService senders = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "wgmesh-sse-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return new EventHub(senders, maxClients, maxQueued);
    }

    @Bean
    EventFeed eventFeed(KafkaProperties kafkaProperties, EventHub hub, RecordVerifier verifier,
                        DeadLetters deadLetters) {
        return new EventFeed(kafkaProperties, hub, verifier, deadLetters);
    }
}
