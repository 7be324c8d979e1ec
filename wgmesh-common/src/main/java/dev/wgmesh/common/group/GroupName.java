package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.regex.Pattern;

/** A host group's name: {@code [a-z0-9][a-z0-9-]{0,62}}, safe as a topic key and a folder name. */
public record GroupName(String value) {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public GroupName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidValueException(InvalidValueException.quote(value)
                    + " is not a group name: 1..63 characters of a-z, 0-9 and '-', starting with a letter or digit");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static GroupName parse(String value) {
        return new GroupName(value);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
