package dev.wgmesh.deployer.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.DeploymentReported;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostConfigRendered;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.deployer.domain.Deployer;
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
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Applies the host-config-rendered records of one poll together (key "group/host", so a host's records
 * arrive in order on one partition) and publishes the outcomes. The records are decoded in parallel,
 * then the hosts are applied in parallel, each host's records in their order, and the reports are sent
 * as hosts finish and awaited once: a host's apply mostly waits (fsync, a command, ssh), so a replica
 * with a few workers rolls out several hosts at a time instead of one.
 *
 * <p>An invalid record ends the batch: the records before it are applied and committed, it goes to the
 * DLT, and the ones after it come again with the next poll. A report that cannot be sent throws, and the
 * batch is retried, which is safe because applying the same content again changes nothing.
 */
@Component
class RenderedListener {

    static final String SOURCE = "/wgmesh/deployer-service";

    private final Deployer deployer;
    private final KafkaTemplate<String, byte[]> kafka;
    private final ExecutorService workers;

    RenderedListener(Deployer deployer, KafkaTemplate<String, byte[]> kafka,
                     @Qualifier("hostWorkers") ExecutorService workers) {
        this.deployer = deployer;
        this.kafka = kafka;
        this.workers = workers;
    }

    /** One record's work: apply or remove one host. */
    private record Step(String host, Supplier<Optional<DeploymentReported>> run) {
    }

    @KafkaListener(id = "wgmesh-deployer", groupId = "wgmesh-deployer", topics = Topics.HOST_CONFIG_RENDERED,
            concurrency = "${wgmesh.listener-concurrency:1}", batch = "true")
    void onRendered(List<ConsumerRecord<String, byte[]>> records) {
        List<Future<Step>> decoding = new ArrayList<>();
        records.forEach(record -> decoding.add(workers.submit(() -> decode(record))));
        List<Step> steps = new ArrayList<>();
        RuntimeException invalid = null;
        for (Future<Step> step : decoding) {
            try {
                steps.add(step.get());
            } catch (ExecutionException e) {
                invalid = e.getCause() instanceof RuntimeException runtime
                        ? runtime : new IllegalStateException(e.getCause());
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while decoding records", e);
            }
        }
        publish(applyByHost(steps));
        if (invalid != null) {
            decoding.forEach(step -> step.cancel(false));
            throw new BatchListenerFailedException(invalid.getMessage(), invalid, steps.size());
        }
    }

    private Step decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return removal(record);
        }
        HostConfigRendered rendered = EventJson.read(record.value(), HostConfigRendered.class);
        String key = HostConfigRendered.key(rendered.group(), rendered.host());
        if (!key.equals(record.key())) {
            throw new IllegalArgumentException("record key \"" + record.key() + "\" does not match its host " + key);
        }
        return new Step(key, () -> deployer.deploy(rendered));
    }

    private Step removal(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("tombstone key \"" + key + "\" is not group/host");
        }
        String revision = CloudEvents.header(record.headers(), CloudEvents.REVISION_HEADER);
        String correlation = CloudEvents.header(record.headers(), CloudEvents.CORRELATION_HEADER);
        if (revision == null || correlation == null) {
            throw new IllegalArgumentException("tombstone for " + key + " lacks the headers "
                    + CloudEvents.REVISION_HEADER + " and " + CloudEvents.CORRELATION_HEADER);
        }
        GroupName group = GroupName.parse(key.substring(0, slash));
        HostName host = HostName.parse(key.substring(slash + 1));
        long at = Long.parseLong(revision);
        UUID correlationId = UUID.fromString(correlation);
        return new Step(key, () -> deployer.remove(group, host, at, correlationId));
    }

    /** Every host on a worker, its own steps in order; the reports in the order the hosts came. */
    private List<Future<List<DeploymentReported>>> applyByHost(List<Step> steps) {
        Map<String, List<Step>> byHost = new LinkedHashMap<>();
        steps.forEach(step -> byHost.computeIfAbsent(step.host(), host -> new ArrayList<>()).add(step));
        List<Future<List<DeploymentReported>>> applying = new ArrayList<>();
        for (List<Step> hostSteps : byHost.values()) {
            applying.add(workers.submit(() -> hostSteps.stream().flatMap(step -> step.run().get().stream()).toList()));
        }
        return applying;
    }

    private void publish(List<Future<List<DeploymentReported>>> applying) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (Future<List<DeploymentReported>> host : applying) {
            for (DeploymentReported report : await(host)) {
                String key = HostConfigRendered.key(report.group(), report.host());
                sent.add(kafka.send(CloudEvents.record(Topics.DEPLOYMENT_REPORTED, key, report, SOURCE)));
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
