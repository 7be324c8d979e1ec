package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON form of events: camelCase, no nulls, ISO-8601 times, no type information. */
public final class EventJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private EventJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object event) {
        return MAPPER.writeValueAsBytes(event);
    }

    /** Reads an event; anything unreadable or invalid becomes an {@link InvalidEventException} with the reason. */
    public static <T> T read(byte[] json, Class<T> type) {
        if (json == null) {
            throw new InvalidEventException("the record has no value");
        }
        T event;
        try {
            event = MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String reason = (cause instanceof IllegalArgumentException || cause instanceof NullPointerException)
                    && cause.getMessage() != null ? cause.getMessage() : e.getOriginalMessage();
            throw new InvalidEventException("not a valid " + type.getSimpleName() + ": " + reason, e);
        }
        // the JSON literal null reads as a null event: callers would fail later, without the reason
        if (event == null) {
            throw new InvalidEventException("not a valid " + type.getSimpleName() + ": the value is JSON null");
        }
        return event;
    }

    public static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidEventException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
