package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A group's key rotation schedule: the longest a host's key pair and the group's preshared keys may live
 * before wgmesh rotates them itself (ISO-8601 durations such as {@code P180D}, at least {@link #MIN}); a
 * null age is never rotated on schedule.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyRotation(Duration hostKeyMaxAge, Duration presharedKeyMaxAge) {

    public static final Duration MIN = Duration.ofMinutes(1);

    public KeyRotation {
        check("keyRotation.hostKeyMaxAge", hostKeyMaxAge);
        check("keyRotation.presharedKeyMaxAge", presharedKeyMaxAge);
    }

    private static void check(String field, Duration age) {
        if (age != null && age.compareTo(MIN) < 0) {
            throw new InvalidValueException(field + " " + age + " is shorter than " + MIN);
        }
    }

    /**
     * The {@code keyRotation} object of a group's body, or null when absent; every problem is added to
     * {@code problems}, naming the field and quoting the value.
     */
    static KeyRotation parse(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(new Problem("keyRotation", node.toString(),
                    "must be an object such as {\"hostKeyMaxAge\": \"P180D\", \"presharedKeyMaxAge\": \"P30D\"}"));
            return null;
        }
        int before = problems.size();
        for (String field : node.propertyNames()) {
            if (!field.equals("hostKeyMaxAge") && !field.equals("presharedKeyMaxAge")) {
                problems.add(new Problem("keyRotation." + field, null, "unknown field "
                        + InvalidValueException.quote(field) + "; known fields are hostKeyMaxAge and presharedKeyMaxAge"));
            }
        }
        Duration hostKeys = age(node.get("hostKeyMaxAge"), "keyRotation.hostKeyMaxAge", problems);
        Duration presharedKeys = age(node.get("presharedKeyMaxAge"), "keyRotation.presharedKeyMaxAge", problems);
        return problems.size() > before ? null : new KeyRotation(hostKeys, presharedKeys);
    }

    private static Duration age(JsonNode node, String field, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isString()) {
            try {
                Duration age = Duration.parse(node.stringValue());
                if (age.compareTo(MIN) >= 0) {
                    return age;
                }
                problems.add(new Problem(field, node.toString(), "must be at least " + MIN + " (one minute)"));
                return null;
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        problems.add(new Problem(field, node.toString(),
                "must be an ISO-8601 duration such as \"P180D\" (180 days) or \"PT12H\", at least one minute"));
        return null;
    }
}
