package dev.wgmesh.keygen.messaging;

import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.GroupsFollowPartitions;
import dev.wgmesh.kafka.SignedTopicReader;
import dev.wgmesh.keygen.domain.KeyedGroups;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * keygen's memory of the groups whose changes it is assigned: read back from its own compacted topic, the
 * keys keygen signed there, whenever partitions of the changes topic are assigned (at start, and when a
 * replica takes over from another), so every host keeps its key pair across restarts and replicas.
 */
@Component
class KeysLoader extends GroupsFollowPartitions {

    private static final Logger log = LoggerFactory.getLogger(KeysLoader.class);

    private final ConsumerFactory<String, byte[]> consumerFactory;
    private final KeyedGroups keyed;
    private final RecordVerifier verifier;
    private final DeadLetters deadLetters;
    private final TopicNames names;

    KeysLoader(ConsumerFactory<String, byte[]> consumerFactory, KeyedGroups keyed, RecordVerifier verifier,
               DeadLetters deadLetters, TopicNames names) {
        super(names.of(Topics.HOST_GROUP_CHANGED));
        this.consumerFactory = consumerFactory;
        this.keyed = keyed;
        this.verifier = verifier;
        this.deadLetters = deadLetters;
        this.names = names;
    }

    @Override
    protected void load(Predicate<GroupName> owned) {
        keyed.forget(owned);
        // waits for the topic rather than loading nothing: an empty memory would give every host a new key pair
        new SignedTopicReader(consumerFactory.getConfigurationProperties(), "wgmesh-keygen-loader", names,
                List.of(Topics.HOST_GROUP_KEYS_GENERATED), SignedTopicReader.From.BEGINNING, verifier, deadLetters,
                signed -> apply(signed, owned)).readToEnd();
        log.info("loaded the keys of the assigned groups from {}: {} groups known",
                names.of(Topics.HOST_GROUP_KEYS_GENERATED), keyed.size());
    }

    @Override
    protected void forget(Predicate<GroupName> lost) {
        keyed.forget(lost);
        log.info("forgot the keys of the groups of lost partitions: {} groups known", keyed.size());
    }

    private void apply(SignedRecord signed, Predicate<GroupName> owned) {
        GroupName group = GroupName.parse(signed.record().key());
        if (!owned.test(group)) {
            return;
        }
        if (signed.tombstone()) {
            keyed.forget(group::equals);
        } else {
            keyed.remember(signed.event(HostGroupKeysGenerated.class));
        }
    }
}
