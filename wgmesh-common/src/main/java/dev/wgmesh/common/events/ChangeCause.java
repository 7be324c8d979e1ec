package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;

/** Why a group's revision changed. */
public enum ChangeCause {
    UPSERT("upsert"), DELETE("delete"), ROTATE_HOST("rotate-host"), ROTATE_GROUP("rotate-group");

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
        throw new InvalidValueException(InvalidValueException.quote(text)
                + " is not a cause: upsert, delete, rotate-host or rotate-group");
    }

    @JsonValue
    public String json() {
        return json;
    }
}
