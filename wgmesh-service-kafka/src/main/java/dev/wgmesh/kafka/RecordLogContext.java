package dev.wgmesh.kafka;

import dev.wgmesh.common.events.CloudEvents;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;

/**
 * The group, host and correlationId of the record a thread works on, in the logging context (MDC), so every
 * log line about a record carries them (as fields of its own with {@code WGMESH_LOG_FORMAT=json}). The group
 * and host come from the record's key ({@code group} or {@code group/host}), the correlationId from its header.
 */
public final class RecordLogContext implements AutoCloseable {

    public static final String GROUP = "group";
    public static final String HOST = "host";
    public static final String CORRELATION_ID = "correlationId";

    private RecordLogContext() {
    }

    /** Sets the record's fields for this thread until {@link #close()}; a field the record lacks is left out. */
    public static RecordLogContext of(ConsumerRecord<?, ?> record) {
        clear();
        if (record.key() instanceof String key && !key.isEmpty()) {
            int slash = key.indexOf('/');
            MDC.put(GROUP, slash < 0 ? key : key.substring(0, slash));
            if (slash >= 0) {
                MDC.put(HOST, key.substring(slash + 1));
            }
        }
        String correlationId = CloudEvents.header(record.headers(), CloudEvents.CORRELATION_HEADER);
        if (correlationId != null) {
            MDC.put(CORRELATION_ID, correlationId);
        }
        return new RecordLogContext();
    }

    @Override
    public void close() {
        clear();
    }

    private static void clear() {
        MDC.remove(GROUP);
        MDC.remove(HOST);
        MDC.remove(CORRELATION_ID);
    }
}
