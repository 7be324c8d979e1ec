package dev.wgmesh.common.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.wgmesh.common.wireguard.InvalidValueException;
import java.util.regex.Pattern;

/**
 * Who asked for a change: {@code api@<client address>} for a request through config-service's API, or
 * {@link #AUTOMATION} for a command a Kafka client wrote to the commands topic (only the {@code automation}
 * principal may, by the ACLs). Shown in the page and the live feed, so it is a plain word, never free text.
 */
public record Actor(String value) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}");

    public static final Actor AUTOMATION = new Actor("automation");
    /** config-service's key rotation schedule; only a command config-service signed can name it. */
    public static final Actor SCHEDULE = new Actor("schedule");
    /** config-service moving a rollout in waves on by its gates; only a command config-service signed can name it. */
    public static final Actor ROLLOUT = new Actor("rollout");

    public Actor {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidValueException(InvalidValueException.quote(value)
                    + " is not an actor: 1..100 characters of A-Z, a-z, 0-9, '.', '_', ':', '@' and '-'");
        }
    }

    /** A caller of the API, by the address it called from. */
    public static Actor api(String clientAddress) {
        String address = clientAddress == null ? "" : clientAddress.replaceAll("[^A-Za-z0-9.:]", "");
        return new Actor(address.isEmpty() ? "api" : "api@" + address);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Actor parse(String value) {
        return new Actor(value);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
