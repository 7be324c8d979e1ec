package dev.wgmesh.common.events;

import dev.wgmesh.common.trust.RecordSigner;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds records with CloudEvents 1.0 binary-mode headers and the event as JSON, signed by the service
 * that publishes them ({@link RecordSigner}; its identity is the {@code ce_source}).
 */
public final class CloudEvents {

    public static final String REVISION_HEADER = "wgmesh_revision";
    public static final String CORRELATION_HEADER = "wgmesh_correlationid";

    private CloudEvents() {
    }

    /** The event's record under its own key ({@link WgmeshEvent#recordKey()}). */
    public static ProducerRecord<String, byte[]> record(String topic, WgmeshEvent event, RecordSigner signer) {
        Headers headers = new RecordHeaders();
        add(headers, "ce_specversion", "1.0");
        add(headers, "ce_id", event.eventId().toString());
        add(headers, "ce_type", event.eventType());
        add(headers, "ce_source", signer.signer().source());
        add(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
        add(headers, "ce_subject", event.recordKey());
        add(headers, "content-type", "application/json");
        add(headers, REVISION_HEADER, Long.toString(event.revision()));
        add(headers, CORRELATION_HEADER, event.correlationId().toString());
        return signer.sign(new ProducerRecord<>(topic, null, event.recordKey(), EventJson.write(event), headers));
    }

    /**
     * A tombstone: no value, so compaction forgets the key. Its headers still say which revision and
     * change removed it, for the deployers' report.
     */
    public static ProducerRecord<String, byte[]> tombstone(String topic, String key, WgmeshEvent cause,
                                                           RecordSigner signer) {
        Headers headers = new RecordHeaders();
        add(headers, "ce_source", signer.signer().source());
        add(headers, REVISION_HEADER, Long.toString(cause.revision()));
        add(headers, CORRELATION_HEADER, cause.correlationId().toString());
        return signer.sign(new ProducerRecord<>(topic, null, key, null, headers));
    }

    public static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
