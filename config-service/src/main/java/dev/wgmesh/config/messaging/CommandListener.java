package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChangeRejected;
import dev.wgmesh.common.events.HostGroupChanged;
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
import dev.wgmesh.kafka.RecordLogContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * The one place where changes are decided. wgmesh.host-group-commands is keyed by group, and the
 * {@code wgmesh-config} consumer group gives each partition to exactly one replica, so one thread of
 * one replica decides all changes of a group, in order. Before each round of decisions it catches up with
 * the changed-topic (another replica may have owned the partition a moment ago). The answers, each a
 * HostGroupChanged or a HostGroupChangeRejected, are published in a Kafka transaction together with the
 * commands' offsets: a replica that lost the partition meanwhile cannot commit them (its consumer group
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

    /**
     * A poll's commands, decided in rounds: a round runs up to the first command of a group already in it (the
     * next one must see its change in the store) and is published in one transaction with its offsets. A command
     * that fails ends its round there: the ones before it are published, and it goes to the error handler (the DLT
     * at once when it can never succeed, else retried), from which the poll goes on.
     */
    // the consumer group is spring.kafka.consumer.group-id, the installation's (WgmeshKafkaConfig)
    @KafkaListener(id = ID, idIsGroup = false, topics = "#{@topicNames.of('" + Topics.HOST_GROUP_COMMANDS + "')}",
            batch = "true")
    void onCommands(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        int start = 0;
        while (start < records.size()) {
            int end = roundEnd(records, start);
            decideRound(records.subList(start, end), consumer);
            start = end;
        }
    }

    /** Where the round from {@code start} ends: at the first command whose group (the record key) came before in it. */
    private static int roundEnd(List<ConsumerRecord<String, byte[]>> records, int start) {
        Set<String> groups = new HashSet<>();
        int end = start;
        while (end < records.size() && groups.add(records.get(end).key())) {
            end++;
        }
        return end;
    }

    private void decideRound(List<ConsumerRecord<String, byte[]>> round, Consumer<?, ?> consumer) {
        try {
            feed.awaitCaughtUp(catchUpTimeout);
        } catch (RuntimeException e) {
            throw failedAt(round.get(0), e);
        }
        List<ProducerRecord<String, byte[]>> answers = new ArrayList<>();
        List<HostGroupChanged> decided = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        BatchListenerFailedException failure = null;
        for (ConsumerRecord<String, byte[]> record : round) {
            try (RecordLogContext context = RecordLogContext.of(record)) {
                answers.addAll(answer(command(record), decided));
                offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            } catch (RuntimeException e) {
                failure = failedAt(record, e);
                break;
            }
        }
        if (!offsets.isEmpty()) {
            try {
                transactions.executeInTransaction(operations -> {
                    answers.forEach(operations::send);
                    operations.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    return null;
                });
            } catch (RuntimeException e) {
                // nothing of the round is published: all of it again, from its first command
                throw failedAt(round.get(0), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Tells the error handler which command failed: the ones before it are done, it and the rest are not. */
    private static BatchListenerFailedException failedAt(ConsumerRecord<String, byte[]> record, RuntimeException e) {
        return new BatchListenerFailedException("command " + record.topic() + "-" + record.partition() + "@"
                + record.offset() + " failed", e, record);
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
     * The change and the rollout's progress it decided after the round's earlier ones ({@code decided}, which it
     * joins), or the rejection. The request's id goes on the first
     * record only: the one the API answers with (the change, when there is one).
     */
    private List<ProducerRecord<String, byte[]>> answer(GroupCommand command, List<HostGroupChanged> decided) {
        List<ProducerRecord<String, byte[]>> answer = new ArrayList<>();
        try {
            Accepted accepted = service.decide(command, decided);
            if (accepted.change() != null) {
                decided.add(accepted.change());
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
