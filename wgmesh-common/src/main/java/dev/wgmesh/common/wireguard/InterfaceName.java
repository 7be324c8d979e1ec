package dev.wgmesh.common.wireguard;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A WireGuard interface name: 1..15 characters, the Linux and FreeBSD limit, that wg-quick accepts. */
public record InterfaceName(String value) {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_=+.-]{1,15}");

    public InterfaceName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw InvalidValueException.of("an interface name", value,
                    "1..15 characters of a-z, A-Z, 0-9, _=+.-");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static InterfaceName parse(String value) {
        return new InterfaceName(value);
    }

    /** The file wg-quick reads for this interface. */
    public String fileName() {
        return value + ".conf";
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
