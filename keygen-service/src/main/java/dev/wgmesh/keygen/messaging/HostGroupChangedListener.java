package dev.wgmesh.keygen.messaging;

import dev.wgmesh.common.events.ChangeCause;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.HostGroupKeysGenerated;
import dev.wgmesh.common.events.HostKeys;
import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.UntrustedRecordException;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.kafka.AfterCommit;
import dev.wgmesh.kafka.PollBatch;
import dev.wgmesh.keygen.domain.GroupKeyring;
import dev.wgmesh.keygen.domain.KeyedGroups;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Keys every accepted change of a group and publishes the keys; replays of keyed revisions change nothing. */
@Component
class HostGroupChangedListener {

    private static final Logger log = LoggerFactory.getLogger(HostGroupChangedListener.class);

    private final GroupKeyring keyring;
    private final KeyedGroups keyed;
    private final KafkaTemplate<String, byte[]> kafka;
    private final RecordVerifier verifier;
    private final RecordSigner signer;
    private final TopicNames names;
    private final PollBatch batch;

    HostGroupChangedListener(GroupKeyring keyring, KeyedGroups keyed, KafkaTemplate<String, byte[]> kafka,
                             RecordVerifier verifier, RecordSigner signer, TopicNames names, PollBatch batch) {
        this.keyring = keyring;
        this.keyed = keyed;
        this.kafka = kafka;
        this.verifier = verifier;
        this.signer = signer;
        this.names = names;
        this.batch = batch;
    }

    /**
     * A poll's changes, keyed and published in one transaction (PollBatch). KeysLoader loads the memory of a
     * partition's groups when it is assigned, before its first record comes here.
     */
    @KafkaListener(id = "keygen-host-group-changed", topics = "#{@topicNames.of('" + Topics.HOST_GROUP_CHANGED + "')}",
            groupId = "#{@topicNames.of('wgmesh-keygen')}", batch = "true")
    void onHostGroupChanged(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        // the keys published earlier in this poll, not yet committed and so not yet in the memory
        Map<GroupName, HostGroupKeysGenerated> thisPoll = new HashMap<>();
        batch.handle(records, consumer, record -> onHostGroupChanged(record, thisPoll));
    }

    private void onHostGroupChanged(ConsumerRecord<String, byte[]> record, Map<GroupName, HostGroupKeysGenerated> thisPoll) {
        if (record.value() == null) {
            verifier.verify(record);
            // config-service keeps deleted groups as records; a tombstone leaves nothing to key
            log.info("ignoring a tombstone for group {}", record.key());
            return;
        }
        HostGroupChanged change = verifier.read(record, HostGroupChanged.class);
        HostGroupKeysGenerated previous = thisPoll.containsKey(change.group()) ? thisPoll.get(change.group())
                : keyed.get(change.group()).orElse(null);
        long keyedRevision = previous == null ? -1 : previous.revision();
        if (change.revision() < keyedRevision) {
            // changes come once each, in order, and exactly once: an older one again is a replay
            throw new UntrustedRecordException("revision " + change.revision() + " of group " + change.group()
                    + " does not move forward: revision " + keyedRevision + " is keyed");
        }
        if (change.revision() == keyedRevision) {
            log.info("group {} revision {} is keyed already, skipping", change.group(), change.revision());
            return;
        }
        if (previous == null && change.cause() != ChangeCause.UPSERT) {
            // config-service starts every group with an upsert, which keygen keyed and remembers
            throw new InvalidEventException("group " + InvalidValueException.quote(change.group().value())
                    + " is unknown: its first change cannot be " + change.cause().json());
        }
        HostGroupKeysGenerated keys = keyring.next(previous, change);
        // sent inside the poll's transaction, committed with the consumed offsets
        kafka.send(CloudEvents.record(names.of(Topics.HOST_GROUP_KEYS_GENERATED), keys, signer));
        thisPoll.put(keys.group(), keys);
        // the memory follows the topic: a rolled-back transaction must leave no trace of its keys
        AfterCommit.run(() -> {
            keyed.remember(keys);
            log.info("keyed group {} revision {} ({}): {} hosts, new key pairs for {}, preshared keys {}",
                    keys.group(), keys.revision(), keys.cause().json(), keys.hosts().size(),
                    newKeyPairs(previous, keys), keys.presharedKeySeed() == null ? "off" : "on");
        });
    }

    /** The hosts with new key pairs, the first ten by name: a log line of a thousand names helps nobody. */
    private static String newKeyPairs(HostGroupKeysGenerated previous, HostGroupKeysGenerated keys) {
        Set<HostKeys> old = previous == null ? Set.of() : Set.copyOf(previous.hosts());
        List<HostName> fresh = keys.hosts().stream().filter(h -> !old.contains(h)).map(HostKeys::host).toList();
        String names = fresh.stream().limit(10).map(HostName::value).collect(Collectors.joining(", "));
        return fresh.size() + " hosts [" + names + (fresh.size() > 10 ? ", ..." : "") + "]";
    }
}
