package dev.wgmesh.config.domain;

import dev.wgmesh.common.events.Actor;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.InvalidEventException;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.group.Problem;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A change request from wgmesh.host-group-commands (key = group): a PUT body with an optional
 * {@code expectedRevision} (a revision, or {@code "*"} for any existing one) and {@code notAfter} (an
 * instant after which it must not be applied), or
 * {@code {"action": "delete" | "rotate-group" | "rotate-host" | "rotate-preshared-keys" | "revoke" | "rollout-check" | "rollout-resume" | "rollout-rollback", "host": ...}}. The API's calls become
 * such records too, so one replica decides every change of a group. Problems found here are reported
 * like the API's; only a record that names no group or is not JSON is unreadable. {@code actor} says who
 * asked: the API caller, as config-service signed it, or {@link Actor#AUTOMATION} for any other writer.
 * {@code force} lets a change through that removes more of the group than {@link BlastRadius} allows.
 *
 * @param body the group's body without the command's own fields (upsert only)
 */
public record GroupCommand(GroupName group, Action action, JsonNode body, HostName host, Precondition precondition,
                           UUID requestId, Instant notAfter, Actor actor, List<Problem> problems, boolean force) {

    public enum Action {
        UPSERT("upsert"), DELETE("delete"), ROTATE_GROUP("rotate-group"), ROTATE_HOST("rotate-host"),
        ROTATE_PRESHARED_KEYS("rotate-preshared-keys"), REVOKE("revoke"),
        /** A rollout in waves: look at its gate and move it on (next wave, pause or rollback) when it decided. */
        ROLLOUT_CHECK("rollout-check"),
        /** A paused rollout in waves goes on with its next wave. */
        ROLLOUT_RESUME("rollout-resume"),
        /** A running or paused rollout in waves returns every host to the previous revision's configs and keys. */
        ROLLOUT_ROLLBACK("rollout-rollback");

        private final String json;

        Action(String json) {
            this.json = json;
        }

        /** Whether the action moves a rollout in waves rather than changing the group. */
        public boolean ofRollout() {
            return this == ROLLOUT_CHECK || this == ROLLOUT_RESUME || this == ROLLOUT_ROLLBACK;
        }

        static Action parse(String text) {
            for (Action action : values()) {
                if (action.json.equals(text)) {
                    return action;
                }
            }
            return null;
        }
    }

    private static final List<String> COMMAND_FIELDS = List.of("action", "requestId", "expectedRevision", "notAfter",
            "actor", "force");
    private static final Set<String> HOST_FIELDS = Set.of("action", "requestId", "expectedRevision", "notAfter",
            "actor", "force", "host");

    public GroupCommand {
        Objects.requireNonNull(actor, "actor");
        problems = List.copyOf(problems);
    }

    /** A request made through the API: already checked where the API checks it. */
    public static GroupCommand of(GroupName group, Action action, JsonNode body, HostName host, Precondition precondition,
                                  Actor actor) {
        return new GroupCommand(group, action, body, host, precondition, null, null, actor, List.of(), false);
    }

    /** The same request, forced past the blast-radius interlock when {@code force}. */
    public GroupCommand forced(boolean force) {
        return new GroupCommand(group, action, body, host, precondition, requestId, notAfter, actor, problems, force);
    }

    /** The same request, identified and bounded in time, as it goes on the commands topic. */
    public GroupCommand sent(UUID id, Instant deadline) {
        return new GroupCommand(group, action, body, host, precondition, id, deadline, actor, problems, force);
    }

    /** The record value for wgmesh.host-group-commands, which {@link #parse} reads back. */
    public byte[] toJson() {
        ObjectNode json = body != null && body.isObject() ? ((ObjectNode) body).deepCopy() : EventJson.mapper().createObjectNode();
        json.put("action", action.json);
        if (host != null) {
            json.put("host", host.value());
        }
        if (requestId != null) {
            json.put("requestId", requestId.toString());
        }
        if (precondition != null) {
            if (precondition.revision() == null) {
                json.put("expectedRevision", "*");
            } else {
                json.put("expectedRevision", precondition.revision());
            }
        }
        if (notAfter != null) {
            json.put("notAfter", notAfter.toString());
        }
        json.put("actor", actor.value());
        if (force) {
            json.put("force", true);
        }
        return EventJson.mapper().writeValueAsBytes(json);
    }

    /**
     * A command that any writer of the topic may have sent: its actor is {@link Actor#AUTOMATION}, whatever
     * it says.
     *
     * @throws InvalidEventException when the record is unreadable: no value, not JSON, or a key that is no group name
     */
    public static GroupCommand parse(String key, byte[] value) {
        return parse(key, value, false);
    }

    /** A command config-service signed (its API's): its {@code actor} field says who called the API. */
    public static GroupCommand parseSigned(String key, byte[] value) {
        return parse(key, value, true);
    }

    private static GroupCommand parse(String key, byte[] value, boolean signed) {
        GroupName group;
        try {
            group = GroupName.parse(key);
        } catch (InvalidValueException e) {
            throw new InvalidEventException("the record key must be the group's name: " + e.getMessage());
        }
        if (value == null) {
            throw new InvalidEventException("the record has no value");
        }
        JsonNode tree = EventJson.tree(value);
        List<Problem> problems = new ArrayList<>();
        if (tree == null || !tree.isObject()) {
            problems.add(new Problem("$", tree == null ? null : shorten(tree.toString()), "a change request must be a JSON object"));
            return new GroupCommand(group, Action.UPSERT, tree, null, null, null, null, Actor.AUTOMATION, problems, false);
        }
        Actor actor = signed ? signedActor(tree.get("actor")) : Actor.AUTOMATION;
        UUID requestId = requestId(tree.get("requestId"), problems);
        Precondition precondition = expectedRevision(tree.get("expectedRevision"), problems);
        Instant notAfter = notAfter(tree.get("notAfter"), problems);
        boolean force = force(tree.get("force"), problems);
        Action action = Action.UPSERT;
        JsonNode actionNode = tree.get("action");
        if (actionNode != null && !actionNode.isNull()) {
            action = actionNode.isString() ? Action.parse(actionNode.stringValue()) : null;
            if (action == null) {
                problems.add(new Problem("action", shorten(actionNode.toString()),
                        "must be one of " + Arrays.stream(Action.values()).map(a -> "\"" + a.json + "\"")
                                .collect(Collectors.joining(", "))));
                return new GroupCommand(group, Action.UPSERT, null, null, precondition, requestId, notAfter, actor,
                        problems, force);
            }
        }
        HostName host = null;
        JsonNode body = null;
        if (action == Action.UPSERT) {
            ObjectNode copy = ((ObjectNode) tree).deepCopy();
            copy.remove(COMMAND_FIELDS);
            body = copy;
        } else {
            boolean namesHost = action == Action.ROTATE_HOST || action == Action.REVOKE;
            Set<String> allowed = namesHost ? HOST_FIELDS : Set.copyOf(COMMAND_FIELDS);
            for (String field : tree.propertyNames()) {
                if (!allowed.contains(field)) {
                    problems.add(new Problem(field, null, "unknown field " + InvalidValueException.quote(field)
                            + " for action " + InvalidValueException.quote(action.json) + "; known fields are " + allowed));
                }
            }
            if (namesHost) {
                host = hostName(tree.get("host"), problems);
            }
        }
        return new GroupCommand(group, action, body, host, precondition, requestId, notAfter, actor, problems, force);
    }

    private static boolean force(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            problems.add(new Problem("force", shorten(node.toString()), "must be true or false"));
            return false;
        }
        return node.booleanValue();
    }

    private static Actor signedActor(JsonNode node) {
        try {
            return Actor.parse(node == null || !node.isString() ? null : node.stringValue());
        } catch (InvalidValueException e) {
            throw new InvalidEventException("a signed command must name its actor: " + e.getMessage());
        }
    }

    private static UUID requestId(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isString()) {
            try {
                return UUID.fromString(node.stringValue());
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        problems.add(new Problem("requestId", shorten(node.toString()), "must be a UUID such as \"" + UUID.randomUUID() + "\""));
        return null;
    }

    private static Precondition expectedRevision(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
            return new Precondition("expectedRevision", node.toString(), node.longValue());
        }
        if (node.isString() && node.stringValue().equals("*")) {
            return new Precondition("expectedRevision", node.toString(), null);
        }
        problems.add(new Problem("expectedRevision", shorten(node.toString()),
                "must be a revision: a whole number, 0 or more, or \"*\" for any existing revision"));
        return null;
    }

    private static Instant notAfter(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isString()) {
            try {
                return Instant.parse(node.stringValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        problems.add(new Problem("notAfter", shorten(node.toString()), "must be an instant such as \"2030-01-01T00:00:00Z\""));
        return null;
    }

    private static HostName hostName(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            problems.add(new Problem("host", null, "is required: the host whose keys to rotate"));
            return null;
        }
        if (!node.isString()) {
            problems.add(new Problem("host", shorten(node.toString()), "must be a host name"));
            return null;
        }
        try {
            return HostName.parse(node.stringValue());
        } catch (InvalidValueException e) {
            problems.add(new Problem("host", shorten(node.toString()), e.getMessage()));
            return null;
        }
    }

    private static String shorten(String json) {
        return json.length() > 120 ? json.substring(0, 120) + "..." : json;
    }
}
