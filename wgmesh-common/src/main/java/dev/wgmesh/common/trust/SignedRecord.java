package dev.wgmesh.common.trust;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.WgmeshEvent;
import dev.wgmesh.common.wireguard.InvalidValueException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record whose signature verified, and the revision its signer signed (a tombstone's only word on it). */
public record SignedRecord(ConsumerRecord<String, byte[]> record, long revision) {

    public boolean tombstone() {
        return record.value() == null;
    }

    /**
     * The record's event: its revision and record key must be the signed ones, so a signed value cannot be
     * told apart from its headers.
     */
    public <T extends WgmeshEvent> T event(Class<T> type) {
        T event = EventJson.read(record.value(), type);
        if (event.revision() != revision) {
            throw new UntrustedRecordException("the event's revision " + event.revision()
                    + " is not the signed revision " + revision);
        }
        if (!event.recordKey().equals(record.key())) {
            throw new UntrustedRecordException("the record key " + InvalidValueException.quote(String.valueOf(record.key()))
                    + " is not the event's " + InvalidValueException.quote(event.recordKey()));
        }
        return event;
    }
}
