package dev.wgmesh.common.wireguard;

/** A value that does not parse; the message quotes it, so callers can show it as it is. */
public class InvalidValueException extends IllegalArgumentException {

    public InvalidValueException(String message) {
        super(message);
    }

    static InvalidValueException of(String what, String value, String why) {
        return new InvalidValueException(quote(value) + " is not " + what + (why.isEmpty() ? "" : ": " + why));
    }

    /** Quotes a value the way problem reports show it; null stays null, long values are cut. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
