package dev.wgmesh.config.web;

import dev.wgmesh.common.group.Problem;
import java.io.IOException;
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
 * (one JSON object each, see {@link FeedRecords}); {@code ?group=} and {@code ?host=} narrow it.
 */
@RestController
class EventController {

    private final EventHub hub;

    EventController(EventHub hub) {
        this.hub = hub;
    }

    @GetMapping(path = "/api/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@RequestParam(name = "group", required = false) String group,
                      @RequestParam(name = "host", required = false) String host) throws IOException {
        // no timeout: the stream lasts until the client leaves, is dropped, or the service stops
        SseEmitter emitter = new SseEmitter(0L);
        EventHub.Client client = hub.subscribe(new EmitterSink(emitter), blankToNull(group), blankToNull(host));
        emitter.onCompletion(client::close);
        emitter.onTimeout(client::close);
        emitter.onError(e -> client.close());
        // a first line at once, so the client knows the stream is open before any record arrives
        emitter.send(SseEmitter.event().comment("wgmesh live feed"));
        return emitter;
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
