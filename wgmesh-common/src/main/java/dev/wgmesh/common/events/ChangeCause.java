package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Why a group's revision changed. */
public enum ChangeCause {
    UPSERT("upsert"), DELETE("delete"), ROTATE_HOST("rotate-host"), ROTATE_GROUP("rotate-group"),
    /** New preshared keys for every pair, no new key pair: running sessions keep going. */
    ROTATE_PRESHARED_KEYS("rotate-preshared-keys"),
    /** A host taken out of its group: no other host lists its key, and every pair gets new preshared keys. */
    REVOKE("revoke"),
    /**
     * A rotation the group's {@code keyRotation} schedule made: one host's key pair when the change names a
     * rotated host, else the preshared keys.
     */
    SCHEDULED_ROTATION("scheduled-rotation"),
    /**
     * A rollout in waves failed its gate (or an operator stopped it): the group returns to the spec and the
     * keys of the revision before the rollout.
     */
    ROLLBACK("rollback");

    private final String json;

    ChangeCause(String json) {
        this.json = json;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ChangeCause parse(String text) {
        for (ChangeCause cause : values()) {
            if (cause.json.equals(text)) {
                return cause;
            }
        }
        throw new InvalidValueException(InvalidValueException.quote(text) + " is not a cause: "
                + Arrays.stream(values()).map(ChangeCause::json).collect(Collectors.joining(", ")));
    }

    @JsonValue
    public String json() {
        return json;
    }
}
