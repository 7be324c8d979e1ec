package dev.wgmesh.config.web;

import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.HostGroupParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a record of a wgmesh topic into the live feed's JSON: topic, partition, offset, key, timestamp,
 * the CloudEvents and wgmesh headers, and the value as JSON (null for a tombstone).
 * <p>
 * The events themselves carry no secrets (only public keys and sealed ciphertext), but two kinds of value
 * are reshaped: a change request from any Kafka client may hold whatever its author pasted (a Hoster
 * record's {@code auth_password}, say), so only the fields wgmesh reads are kept; and a value above
 * {@link #MAX_VALUE_BYTES} (one host of a 2,000-host mesh is about 400 KB) keeps its top-level fields
 * only, so a browser is not flooded.
 */
final class FeedRecords {

    static final int MAX_VALUE_BYTES = 64 * 1024;
    private static final int MAX_HEADER_CHARS = 500;

    /** Headers a reader of the feed needs; a dead letter's stack trace is left out. */
    private static final Set<String> DLT_HEADERS = Set.of("kafka_dlt-exception-message", "kafka_dlt-exception-fqcn",
            "kafka_dlt-original-topic", "kafka_dlt-original-offset");
    /** A command's own fields and the group's settings; hosts are copied field by field below. */
    private static final Set<String> COMMAND_FIELDS = Stream.concat(
            Stream.of("action", "requestId", "expectedRevision", "host"),
            HostGroupParser.GROUP_FIELDS.stream().filter(field -> !field.equals("hosts"))).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> COMMAND_HOST_FIELDS = Set.of("name", "hostname", "endpoint", "internalNetworks",
            "tunnelSegment", "interfaceSuffix", "os");
    private static final Set<String> HOSTER_WG_FIELDS = Set.of("net_segment", "net_mask", "endpoint_address",
            "endpoint_port", "allowed_subnets", "interface_suffix");

    private FeedRecords() {
    }

    /**
     * @param topic the record's topic by its logical name: the feed shows the names of README's table whatever the
     *              installation's prefix, so the page and {@code wgmesh events} read every installation's feed alike
     */
    static FeedEvent of(String topic, ConsumerRecord<String, byte[]> record) {
        ObjectNode out = EventJson.mapper().createObjectNode();
        out.put("topic", topic);
        out.put("partition", record.partition());
        out.put("offset", record.offset());
        out.put("key", record.key());
        out.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        ObjectNode headers = out.putObject("headers");
        for (Header header : record.headers()) {
            String name = header.key();
            if (header.value() != null && (name.startsWith("ce_") || name.startsWith("wgmesh_")
                    || name.equals("content-type") || DLT_HEADERS.contains(name))) {
                headers.put(name, shorten(text(header.value())));
            }
        }
        value(topic, record, out);
        return FeedEvent.of(topic + "-" + record.partition() + "-" + record.offset(), record.key(), out.toString());
    }

    private static void value(String topic, ConsumerRecord<String, byte[]> record, ObjectNode out) {
        byte[] bytes = record.value();
        if (bytes == null) {
            out.putNull("value");
            return;
        }
        JsonNode value;
        try {
            value = EventJson.tree(bytes);
        } catch (InvalidEventException | IllegalArgumentException e) {
            out.putNull("value");
            out.put("note", "the value is not JSON (" + bytes.length + " bytes)");
            return;
        }
        boolean command = topic.equals(Topics.HOST_GROUP_COMMANDS)
                || topic.equals(Topics.deadLetter(Topics.HOST_GROUP_COMMANDS));
        if (command && value instanceof ObjectNode request) {
            value = commandFields(request);
            out.put("note", "a change request: only the fields wgmesh reads are shown");
        } else if (command && value != null && !value.isNull()) {
            value = null;
            out.put("note", "a change request that is not a JSON object (" + bytes.length + " bytes)");
        } else if (bytes.length > MAX_VALUE_BYTES && value instanceof ObjectNode large) {
            value = topLevelScalars(large);
            out.put("note", "a value of " + bytes.length + " bytes: only its top-level fields are shown");
        }
        out.set("value", value);
    }

    private static ObjectNode commandFields(ObjectNode request) {
        ObjectNode kept = EventJson.mapper().createObjectNode();
        for (Map.Entry<String, JsonNode> field : request.properties()) {
            if (COMMAND_FIELDS.contains(field.getKey())) {
                kept.set(field.getKey(), field.getValue());
            }
        }
        if (request.get("hosts") instanceof ArrayNode hosts) {
            ArrayNode keptHosts = kept.putArray("hosts");
            for (JsonNode host : hosts) {
                ObjectNode keptHost = keptHosts.addObject();
                if (host instanceof ObjectNode fields) {
                    copy(fields, keptHost, COMMAND_HOST_FIELDS);
                    if (fields.get("wg") instanceof ObjectNode wg) {
                        copy(wg, keptHost.putObject("wg"), HOSTER_WG_FIELDS);
                    }
                }
            }
        }
        return kept;
    }

    private static void copy(ObjectNode from, ObjectNode to, Set<String> names) {
        for (Map.Entry<String, JsonNode> field : from.properties()) {
            if (names.contains(field.getKey())) {
                to.set(field.getKey(), field.getValue());
            }
        }
    }

    private static ObjectNode topLevelScalars(ObjectNode value) {
        ObjectNode kept = EventJson.mapper().createObjectNode();
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            if (!field.getValue().isContainer()) {
                kept.set(field.getKey(), field.getValue());
            }
        }
        return kept;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String shorten(String text) {
        return text.length() <= MAX_HEADER_CHARS ? text : text.substring(0, MAX_HEADER_CHARS) + "…";
    }
}
