package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChangeRejected;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.config.ConfigSettings;
import dev.wgmesh.config.domain.Accepted;
import dev.wgmesh.config.domain.GroupCommand;
import dev.wgmesh.config.domain.GroupService;
import dev.wgmesh.config.domain.RequestRejected;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;

/**
 * The one place where changes are decided. wgmesh.host-group-commands is keyed by group, and the
 * {@code wgmesh-config} consumer group gives each partition to exactly one replica, so one thread of
 * one replica decides all changes of a group, in order. Before each decision it catches up with the
 * changed-topic (another replica may have owned the partition a moment ago). The answer, a
 * HostGroupChanged or a HostGroupChangeRejected, is published in a Kafka transaction together with the
 * command's offset: a replica that lost the partition meanwhile cannot commit it (its consumer group
 * generation is stale), so two replicas never both publish revision N+1. An unreadable record goes to
 * the DLT (error handler).
 */
@Component
class CommandListener implements DisposableBean {

    /** The listener's id: the rollout driver asks it which groups this replica decides. */
    static final String ID = "wgmesh-config-commands";

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final GroupService service;
    private final ChangeFeed feed;
    private final ProducerFactory<String, byte[]> producers;
    private final KafkaTemplate<String, byte[]> transactions;
    private final Duration catchUpTimeout;
    private final RecordSigner signer;
    private final RecordVerifier verifier;
    private final TopicNames names;
    private final Clock clock = Clock.systemUTC();

    CommandListener(GroupService service, ChangeFeed feed, KafkaProperties kafkaProperties,
                    ConfigSettings settings, RecordSigner signer,
                    RecordVerifier verifier, TopicNames names) {
        this.service = service;
        this.feed = feed;
        this.signer = signer;
        this.verifier = verifier;
        this.names = names;
        this.producers = KafkaClients.transactionalProducer(kafkaProperties, names, settings.instanceId());
        this.transactions = new KafkaTemplate<>(producers);
        this.catchUpTimeout = settings.config().requestTimeout();
    }

    // the consumer group is spring.kafka.consumer.group-id, the installation's (WgmeshKafkaConfig)
    @KafkaListener(id = ID, idIsGroup = false, topics = "#{@topicNames.of('" + Topics.HOST_GROUP_COMMANDS + "')}")
    void onCommand(ConsumerRecord<String, byte[]> record, Consumer<?, ?> consumer) {
        GroupCommand command = command(record);
        feed.awaitCaughtUp(catchUpTimeout);
        List<ProducerRecord<String, byte[]>> answer = answer(command);
        var offset = Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        transactions.executeInTransaction(operations -> {
            answer.forEach(operations::send);
            operations.sendOffsetsToTransaction(offset, consumer.groupMetadata());
            return null;
        });
    }

    /**
     * Only the automation principal and config-service may write the topic (the ACLs see to it). A command
     * config-service signed names the API caller as its actor; any other is the automation principal's. A
     * signature that does not verify sends the command to the DLT.
     */
    private GroupCommand command(ConsumerRecord<String, byte[]> record) {
        if (record.headers().lastHeader(RecordSigner.SIGNATURE_HEADER) == null) {
            return GroupCommand.parse(record.key(), record.value());
        }
        verifier.verify(record);
        return GroupCommand.parseSigned(record.key(), record.value());
    }

    /**
     * The change and the rollout's progress it decided, or the rejection. The request's id goes on the first
     * record only: the one the API answers with (the change, when there is one).
     */
    private List<ProducerRecord<String, byte[]>> answer(GroupCommand command) {
        List<ProducerRecord<String, byte[]>> answer = new ArrayList<>();
        try {
            Accepted accepted = service.decide(command);
            if (accepted.change() != null) {
                ProducerRecord<String, byte[]> change = CloudEvents.record(names.of(Topics.HOST_GROUP_CHANGED),
                        accepted.change(), signer);
                header(change, ChangeFeed.CREATED_HEADER, Boolean.toString(accepted.created()));
                answer.add(change);
                log.info("{} for group {} by {} accepted as revision {}", command.action(), command.group(),
                        command.actor(), accepted.change().revision());
            }
            if (accepted.rollout() != null) {
                answer.add(CloudEvents.record(names.of(Topics.ROLLOUT_PROGRESSED), accepted.rollout(), signer));
                RolloutProgressed rollout = accepted.rollout();
                log.info("rollout of group {} revision {}: {}, wave {} of {}{}", rollout.group(), rollout.revision(),
                        rollout.state(), rollout.wave(), rollout.waves().size(),
                        rollout.reason() == null ? "" : ": " + rollout.reason());
            }
        } catch (RequestRejected rejected) {
            log.info("{} for group {} rejected: {}", command.action(), command.group(), rejected.getMessage());
            UUID id = UUID.randomUUID();
            var event = new HostGroupChangeRejected(id, command.group(), rejected.revision(), clock.instant(),
                    command.requestId() != null ? command.requestId() : id, rejected.status(), rejected.problems());
            answer.add(CloudEvents.record(names.of(Topics.HOST_GROUP_REJECTED), event, signer));
        }
        if (command.requestId() != null) {
            header(answer.get(0), ChangeFeed.REQUEST_HEADER, command.requestId().toString());
        }
        return answer;
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void destroy() {
        if (producers instanceof DefaultKafkaProducerFactory<String, byte[]> factory) {
            factory.destroy();
        }
    }
}
