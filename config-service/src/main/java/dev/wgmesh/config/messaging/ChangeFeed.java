package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.HostGroupChangeRejected;
import dev.wgmesh.common.events.HostGroupChanged;
import dev.wgmesh.common.events.RolloutProgressed;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.trust.RecordVerifier;
import dev.wgmesh.common.trust.SignedRecord;
import dev.wgmesh.config.domain.Accepted;
import dev.wgmesh.config.domain.GroupStore;
import dev.wgmesh.config.domain.PublishFailedException;
import dev.wgmesh.config.domain.RequestRejected;
import dev.wgmesh.kafka.DeadLetters;
import dev.wgmesh.kafka.SignedTopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Every replica's view of the groups and of the outcome of requests: one reader follows
 * wgmesh.host-group-changed from its beginning into {@link GroupStore} (the only writer of the store),
 * another wgmesh.host-group-rejected from its end, for as long as the service runs, and they complete the
 * requests that wait for an outcome. It starts first and loads the whole changed-topic before the
 * listener containers and the web server start, so nothing is served from empty memory.
 */
@Component
class ChangeFeed implements SmartLifecycle {

    /** Record headers the deciding replica adds to its answer: the request's id, and whether it created the group. */
    static final String REQUEST_HEADER = "wgmesh_requestid";
    static final String CREATED_HEADER = "wgmesh_created";

    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

    private final GroupStore store;
    private final Map<UUID, CompletableFuture<Accepted>> waiting = new ConcurrentHashMap<>();
    private final SignedTopicReader changes;
    private final SignedTopicReader rejections;
    private final TopicNames names;

    ChangeFeed(KafkaProperties kafkaProperties, GroupStore store, RecordVerifier verifier, DeadLetters deadLetters,
               TopicNames names) {
        this.store = store;
        this.names = names;
        Map<String, Object> settings = kafkaProperties.buildConsumerProperties();
        this.changes = new SignedTopicReader(settings, "wgmesh-config-change-feed", names,
                List.of(Topics.HOST_GROUP_CHANGED, Topics.ROLLOUT_PROGRESSED), SignedTopicReader.From.BEGINNING, verifier,
                deadLetters, this::changed);
        // only answers to requests made from now on matter
        this.rejections = new SignedTopicReader(settings, "wgmesh-config-rejections", names,
                List.of(Topics.HOST_GROUP_REJECTED), SignedTopicReader.From.END, verifier, deadLetters, this::rejected);
    }

    @Override
    public void start() {
        rejections.start();
        changes.start();
        awaitCaughtUp(SignedTopicReader.TIMEOUT);
        log.info("loaded {} groups from {}", store.currentGroups().size(), names.of(Topics.HOST_GROUP_CHANGED));
    }

    /**
     * Waits until the store holds every record written to the changed-topic before this call (and its
     * transaction is settled), so a decision made after this sees every change published before.
     *
     * @throws PublishFailedException when the broker does not answer or the feed does not get there in time
     */
    void awaitCaughtUp(Duration timeout) {
        try {
            changes.awaitCaughtUp(timeout);
        } catch (TimeoutException e) {
            throw new PublishFailedException("the groups in memory did not catch up with "
                    + names.of(Topics.HOST_GROUP_CHANGED)
                    + " in time: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while catching up", e);
        }
    }

    /** Call before sending the request, so its outcome cannot pass unseen; {@link #forget} it afterwards. */
    CompletableFuture<Accepted> expect(UUID requestId) {
        return waiting.computeIfAbsent(requestId, id -> new CompletableFuture<>());
    }

    void forget(UUID requestId) {
        waiting.remove(requestId);
    }

    private void changed(SignedRecord signed) {
        if (signed.record().topic().equals(names.of(Topics.ROLLOUT_PROGRESSED))) {
            rolloutProgressed(signed);
            return;
        }
        if (signed.tombstone()) {
            store.forget(GroupName.parse(signed.record().key()));
            return;
        }
        HostGroupChanged change = signed.event(HostGroupChanged.class);
        store.remember(change);
        CompletableFuture<Accepted> waiter = waiter(signed);
        if (waiter != null) {
            waiter.complete(new Accepted(change,
                    "true".equals(CloudEvents.header(signed.record().headers(), CREATED_HEADER))));
        }
    }

    /** A rollout's progress; it answers a request that moved only the rollout (resume, a gate's decision). */
    private void rolloutProgressed(SignedRecord signed) {
        if (signed.tombstone()) {
            return;
        }
        RolloutProgressed rollout = signed.event(RolloutProgressed.class);
        store.remember(rollout);
        CompletableFuture<Accepted> waiter = waiter(signed);
        if (waiter != null) {
            waiter.complete(new Accepted(null, false, rollout));
        }
    }

    private void rejected(SignedRecord signed) {
        CompletableFuture<Accepted> waiter = waiter(signed);
        if (waiter != null) {
            HostGroupChangeRejected rejected = signed.event(HostGroupChangeRejected.class);
            HttpStatus status = HttpStatus.resolve(rejected.status());
            waiter.completeExceptionally(new RequestRejected(rejected.status(),
                    status == null ? "Rejected" : status.getReasonPhrase(), rejected.revision(), rejected.problems()));
        }
    }

    private CompletableFuture<Accepted> waiter(SignedRecord signed) {
        String id = CloudEvents.header(signed.record().headers(), REQUEST_HEADER);
        if (id == null) {
            return null;
        }
        try {
            return waiting.get(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void stop() {
        changes.stop();
        rejections.stop();
    }

    @Override
    public boolean isRunning() {
        return changes.isRunning();
    }

    /** Before everything else that starts, the listener containers and the web server included; stops last. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
