package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.deployer.domain.Deployer;
import dev.wgmesh.deployer.domain.Observer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Applies the host-config-rendered records of one poll together (key "group/host", so a host's records
 * arrive in order on one partition) and publishes the outcomes. Each host goes to a worker that decodes
 * and applies its records in their order, and the reports are sent as hosts finish and awaited once: a
 * host's apply mostly waits (fsync, a command, ssh), so a replica with a few workers rolls out several
 * hosts at a time instead of one, and holds only the hosts being applied in memory.
 *
 * <p>A record that fails stops its host there and ends the batch: the records before it are committed,
 * an invalid one goes to the DLT at once, one whose peer table has not arrived is retried with back-off
 * (see ErrorHandlerConfig), and the ones after it come again with the next poll. Other hosts' records
 * after it may then be applied twice, and a report that cannot be sent retries the batch: both are safe
 * because applying the same content again changes nothing. Each host applied or removed is handed to the
 * {@link Observer}, which looks at it next.
 */
@Component
class RenderedListener {

    private final Deployer deployer;
    private final KafkaTemplate<String, byte[]> kafka;
    private final ExecutorService workers;
    private final RecordVerifier verifier;
    private final RecordSigner signer;
    private final Observer observer;
    private final DeployerMetrics metrics;
    private final TopicNames names;

    RenderedListener(Deployer deployer, KafkaTemplate<String, byte[]> kafka,
                     @Qualifier("hostWorkers") ExecutorService workers, RecordVerifier verifier, RecordSigner signer,
                     Observer observer, DeployerMetrics metrics, TopicNames names) {
        this.observer = observer;
        this.metrics = metrics;
        this.deployer = deployer;
        this.kafka = kafka;
        this.workers = workers;
        this.verifier = verifier;
        this.signer = signer;
        this.names = names;
    }

    /** What one host's worker did: its reports, and where it stopped when a record failed. */
    private record HostOutcome(List<DeploymentReported> reports, int failedIndex, RuntimeException failure) {
    }

    @KafkaListener(id = "wgmesh-deployer", groupId = "#{@topicNames.of('wgmesh-deployer')}",
            topics = "#{@topicNames.of('" + Topics.HOST_CONFIG_RENDERED + "')}",
            concurrency = "${wgmesh.listener-concurrency:1}", batch = "true")
    void onRendered(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<Integer>> byHost = new LinkedHashMap<>();
        for (int index = 0; index < records.size(); index++) {
            byHost.computeIfAbsent(String.valueOf(records.get(index).key()), key -> new ArrayList<>()).add(index);
        }
        List<Future<HostOutcome>> applying = new ArrayList<>();
        for (List<Integer> indexes : byHost.values()) {
            applying.add(workers.submit(() -> applyHost(records, indexes)));
        }
        HostOutcome firstFailed = publish(applying);
        if (firstFailed != null) {
            throw new BatchListenerFailedException(firstFailed.failure().getMessage(), firstFailed.failure(),
                    firstFailed.failedIndex());
        }
    }

    private HostOutcome applyHost(List<ConsumerRecord<String, byte[]>> records, List<Integer> indexes) {
        List<DeploymentReported> reports = new ArrayList<>();
        for (int index : indexes) {
            try {
                apply(records.get(index)).ifPresent(reports::add);
            } catch (RuntimeException e) {
                return new HostOutcome(reports, index, e);
            }
        }
        return new HostOutcome(reports, -1, null);
    }

    private Optional<DeploymentReported> apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return removal(record);
        }
        HostConfigRendered rendered = verifier.read(record, HostConfigRendered.class);
        observer.applying(rendered, record.partition());
        DeploymentReported report = null;
        try {
            report = deployer.deploy(rendered).orElse(null);
        } finally {
            observer.applied(rendered, record.partition(), report);
        }
        return Optional.ofNullable(report);
    }

    private Optional<DeploymentReported> removal(ConsumerRecord<String, byte[]> record) {
        long at = verifier.verify(record).revision();
        String key = record.key();
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("tombstone key \"" + key + "\" is not group/host");
        }
        String correlation = CloudEvents.header(record.headers(), CloudEvents.CORRELATION_HEADER);
        if (correlation == null) {
            throw new IllegalArgumentException("tombstone for " + key + " lacks the header " + CloudEvents.CORRELATION_HEADER);
        }
        GroupName group = GroupName.parse(key.substring(0, slash));
        HostName host = HostName.parse(key.substring(slash + 1));
        UUID correlationId = UUID.fromString(correlation);
        Optional<DeploymentReported> report = deployer.remove(group, host, at, correlationId);
        if (report.isPresent() && report.get().outcome() == DeploymentReported.Outcome.REMOVED) {
            observer.removed(group, host, at);
        }
        return report;
    }

    /** Sends the reports in the order the hosts came and awaits them; returns the earliest failed record's host. */
    private HostOutcome publish(List<Future<HostOutcome>> applying) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        HostOutcome firstFailed = null;
        for (Future<HostOutcome> host : applying) {
            HostOutcome outcome = await(host);
            for (DeploymentReported report : outcome.reports()) {
                metrics.deployed(report);
                sent.add(kafka.send(CloudEvents.record(names.of(Topics.DEPLOYMENT_REPORTED), report, signer)));
            }
            if (outcome.failure() != null
                    && (firstFailed == null || outcome.failedIndex() < firstFailed.failedIndex())) {
                firstFailed = outcome;
            }
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("could not publish " + sent.size() + " deployment reports", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing deployment reports", e);
        }
        return firstFailed;
    }

    /** The task's result; its own exception as it was thrown. */
    private static <T> T await(Future<T> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while applying hosts", e);
        }
    }
}
