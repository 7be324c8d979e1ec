package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;

/** What a deployer does with a host whose configs drifted from what was declared: apply them again, or only report it. */
public enum DriftPolicy {
    REPAIR, REPORT;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static DriftPolicy parse(String text) {
        for (DriftPolicy policy : values()) {
            if (policy.json().equals(text)) {
                return policy;
            }
        }
        throw new InvalidValueException(InvalidValueException.quote(text) + " is not a drift policy: repair or report");
    }

    @JsonValue
    public String json() {
        return name().toLowerCase();
    }
}
