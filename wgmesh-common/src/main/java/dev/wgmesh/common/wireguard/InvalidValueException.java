package dev.wgmesh.common.wireguard;

/** A value that does not parse; the message quotes it, so callers can show it as it is. */
public class InvalidValueException extends IllegalArgumentException {

    public InvalidValueException(String message) {
        super(message);
    }

    static InvalidValueException of(String what, String value, String why) {
        return new InvalidValueException(quote(value) + " is not " + what + (why.isEmpty() ? "" : ": " + why));
    }

    /**
     * Quotes a value the way problem reports show it; null stays null, long values are cut, and control
     * characters are escaped, so a quoted value cannot start a new line of a log or of a file.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
        for (char c : shown.toCharArray()) {
            switch (c) {
                case '\\', '"' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
