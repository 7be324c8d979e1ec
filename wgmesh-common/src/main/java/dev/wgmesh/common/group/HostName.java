package dev.wgmesh.common.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.regex.Pattern;

/** A host's name in its group; also a folder name, so it starts with a letter or digit. */
public record HostName(String value) implements Comparable<HostName> {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    public HostName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidValueException(InvalidValueException.quote(value)
                    + " is not a host name: 1..63 characters of a-z, A-Z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static HostName parse(String value) {
        return new HostName(value);
    }

    @Override
    public int compareTo(HostName other) {
        return value.compareTo(other.value);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
