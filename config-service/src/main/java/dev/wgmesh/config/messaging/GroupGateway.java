package dev.wgmesh.config.messaging;

import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.TopicNames;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.trust.RecordSigner;
import dev.wgmesh.config.ConfigSettings;
import dev.wgmesh.config.domain.Accepted;
import dev.wgmesh.config.domain.ChangeRequests;
import dev.wgmesh.config.domain.GroupCommand;
import dev.wgmesh.config.domain.GroupService;
import dev.wgmesh.config.domain.Precondition;
import dev.wgmesh.config.domain.PublishFailedException;
import dev.wgmesh.config.domain.RequestRejected;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The API's way to change a group on any replica. It answers at once what it can tell from a fresh view
 * of the groups (every problem, a stale If-Match, an unknown group or host), so bad requests publish
 * nothing. Anything else becomes a request on wgmesh.host-group-commands, decided by the replica that
 * owns the group's partition ({@link CommandListener}); this waits for the answer on the changed- or
 * rejected-topic. A request carries a deadline ({@code notAfter}): when no answer came by then the
 * caller gets 503, and the request is refused if it arrives later, so a 503 never turns into a change.
 */
@Component
class GroupGateway implements ChangeRequests {

    static final String COMMAND_TYPE = "dev.wgmesh.host-group-command.v1";
    /** Replica clocks may differ by this much; the waiting side waits that much longer than the deadline. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(2);

    private final GroupService service;
    private final ChangeFeed feed;
    private final KafkaTemplate<String, byte[]> template;
    private final Duration timeout;
    private final RecordSigner signer;
    private final TopicNames names;
    private final Clock clock = Clock.systemUTC();

    GroupGateway(GroupService service, ChangeFeed feed, KafkaTemplate<String, byte[]> template,
                 ConfigSettings settings, RecordSigner signer, TopicNames names) {
        this.service = service;
        this.feed = feed;
        this.template = template;
        this.timeout = settings.config().requestTimeout();
        this.signer = signer;
        this.names = names;
    }

    @Override
    public Accepted submit(GroupCommand command) {
        Instant start = clock.instant();
        service.checkRequest(command);
        feed.awaitCaughtUp(timeout);
        // a refusal from a view at least as new as the request is the owner's answer too
        service.decide(command);

        UUID requestId = UUID.randomUUID();
        Instant deadline = start.plus(timeout);
        GroupCommand request = command.sent(requestId, deadline);
        var answer = feed.expect(requestId);
        try {
            send(record(request, start));
            long waitMillis = Duration.between(clock.instant(), deadline.plus(CLOCK_SKEW)).toMillis();
            return answer.get(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while waiting for the outcome", e);
        } catch (TimeoutException e) {
            throw new PublishFailedException("no outcome for request " + requestId + " within " + timeout, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RequestRejected rejected) {
                throw inApiTerms(rejected, command.precondition());
            }
            throw new PublishFailedException("the request failed: " + e.getCause(), e.getCause());
        } finally {
            feed.forget(requestId);
        }
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            template.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while sending to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new PublishFailedException("Kafka did not take the request for " + record.topic() + ": " + cause, cause);
        }
    }

    /** Signed, so the deciding replica believes the actor it names; a command has no revision yet: 0. */
    private ProducerRecord<String, byte[]> record(GroupCommand request, Instant time) {
        var headers = new RecordHeaders();
        header(headers, "ce_specversion", "1.0");
        header(headers, "ce_id", request.requestId().toString());
        header(headers, "ce_type", COMMAND_TYPE);
        header(headers, "ce_source", signer.signer().source());
        header(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(time));
        header(headers, "ce_subject", request.group().value());
        header(headers, "content-type", "application/json");
        header(headers, CloudEvents.REVISION_HEADER, "0");
        return signer.sign(new ProducerRecord<>(names.of(Topics.HOST_GROUP_COMMANDS), null, request.group().value(),
                request.toJson(), headers));
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The owner speaks of the command's expectedRevision; the API client sent If-Match. */
    private static RequestRejected inApiTerms(RequestRejected rejected, Precondition precondition) {
        if (precondition == null) {
            return rejected;
        }
        List<Problem> problems = rejected.problems().stream()
                .map(p -> p.field().equals("expectedRevision") ? new Problem(precondition.field(), precondition.sent(), p.message()) : p)
                .toList();
        return new RequestRejected(rejected.status(), rejected.status() == 412 ? "Precondition failed" : rejected.title(),
                rejected.revision(), problems);
    }
}
