package dev.wgmesh.keygen.messaging;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import dev.wgmesh.keygen.domain.KeyedGroups;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads keygen's own compacted topic to its end before the listener starts: the keys keygen signed there
 * are its only memory, so after a restart every host keeps its key pair.
 */
@Component
class KeysLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(KeysLoader.class);

    private final ConsumerFactory<String, byte[]> consumerFactory;
    private final KeyedGroups keyed;
    private final KafkaListenerEndpointRegistry registry;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;

    KeysLoader(ConsumerFactory<String, byte[]> consumerFactory, KeyedGroups keyed, KafkaListenerEndpointRegistry registry,
               RecordVerifier verifier, DeadLetters deadLetters) {
        this.consumerFactory = consumerFactory;
        this.keyed = keyed;
        this.registry = registry;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
    }

    @Override
    public void run(ApplicationArguments args) {
        load();
        registry.getListenerContainer(HostGroupChangedListener.LISTENER_ID).start();
    }

    void load() {
        // waits for the topic rather than loading nothing: an empty memory would give every host a new key pair
        new SignedTopicReader(consumerFactory.getConfigurationProperties(), "wgmesh-keygen-loader",
                List.of(Topics.HOST_GROUP_KEYS_GENERATED), SignedTopicReader.From.BEGINNING, verifier, deadLetters,
                this::apply).readToEnd();
        log.info("loaded the keys of {} groups from {}", keyed.size(), Topics.HOST_GROUP_KEYS_GENERATED);
    }

    private void apply(SignedRecord signed) {
        if (signed.tombstone()) {
            keyed.forget(GroupName.parse(signed.record().key()));
        } else {
            keyed.remember(signed.event(HostGroupKeysGenerated.class));
        }
    }
}
