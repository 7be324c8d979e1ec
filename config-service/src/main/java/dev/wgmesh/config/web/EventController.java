package dev.wgmesh.config.web;

import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.wireguard.InvalidValueException;
import dev.wgmesh.config.domain.RequestRejected;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/events}: every record of the wgmesh topics from now on, as server-sent events
 * (one JSON object each, see {@link FeedRecords}); {@code ?group=} and {@code ?host=} narrow it, and
 * {@code ?since=PT10M} (an ISO-8601 duration up to {@link #LONGEST_HISTORY}) starts with the records of that
 * time before.
 */
@RestController
class EventController {

    /** A history longer than a day is a job for kcat and the observer principal, not for a live page. */
    static final Duration LONGEST_HISTORY = Duration.ofDays(1);

    private final EventHub hub;
    private final EventFeed feed;

    EventController(EventHub hub, EventFeed feed) {
        this.hub = hub;
        this.feed = feed;
    }

    @GetMapping(path = "/api/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@RequestParam(name = "group", required = false) String group,
                      @RequestParam(name = "host", required = false) String host,
                      @RequestParam(name = "since", required = false) String since) throws IOException {
        Duration history = since == null ? null : history(since);
        // no timeout: the stream lasts until the client leaves, is dropped, or the service stops
        SseEmitter emitter = new SseEmitter(0L);
        EventHub.Client client = hub.subscribe(new EmitterSink(emitter), blankToNull(group), blankToNull(host),
                history != null);
        emitter.onCompletion(client::close);
        emitter.onTimeout(client::close);
        emitter.onError(e -> client.close());
        // a first line at once, so the client knows the stream is open before any record arrives
        emitter.send(SseEmitter.event().comment("wgmesh live feed"));
        if (history != null) {
            feed.replay(client, Instant.now().minus(history));
        }
        return emitter;
    }

    private static Duration history(String since) {
        try {
            Duration history = Duration.parse(since);
            if (!history.isNegative() && history.compareTo(LONGEST_HISTORY) <= 0) {
                return history;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw RequestRejected.badRequest(0, List.of(new Problem("since", InvalidValueException.quote(since),
                "must be an ISO-8601 duration from PT0S to " + LONGEST_HISTORY + ", such as \"PT10M\" for the last ten minutes")));
    }

    @ExceptionHandler(EventHub.TooManyClients.class)
    ResponseEntity<ProblemDetail> tooMany(EventHub.TooManyClients e) {
        return ProblemHandler.problem(HttpStatus.SERVICE_UNAVAILABLE, "Too many live feed clients",
                List.of(new Problem("$", null, e.getMessage())));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private record EmitterSink(SseEmitter emitter) implements EventHub.Sink {

        @Override
        public void send(FeedEvent event) throws IOException {
            emitter.send(SseEmitter.event().id(event.id()).data(event.json(), MediaType.APPLICATION_JSON));
        }

        @Override
        public void heartbeat() throws IOException {
            emitter.send(SseEmitter.event().comment("heartbeat"));
        }

        @Override
        public void close() {
            emitter.complete();
        }
    }
}
