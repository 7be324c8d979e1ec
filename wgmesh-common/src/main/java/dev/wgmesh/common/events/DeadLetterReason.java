package dev.wgmesh.common.events;

import java.util.regex.Pattern;

/**
 * The reason a record went to a dead-letter topic, fit to put in its headers: the failure's message,
 * shortened, with every run of 40 or more base64, base64url or hex characters cut out. A WireGuard key
 * (44 base64 characters) or a sealed secret can thus never travel in a reason, whatever the code that
 * failed put into its message; the record itself is copied to the DLT as it was.
 */
public final class DeadLetterReason {

    static final int MAX_LENGTH = 1000;

    private static final Pattern KEY_LIKE = Pattern.compile("[A-Za-z0-9+/_-]{40,}={0,2}");

    private DeadLetterReason() {
    }

    public static String of(Throwable failure) {
        String message = failure.getMessage() == null || failure.getMessage().isBlank()
                ? failure.getClass().getSimpleName() : failure.getMessage();
        String reason = KEY_LIKE.matcher(message).replaceAll("[redacted]");
        return reason.length() <= MAX_LENGTH ? reason : reason.substring(0, MAX_LENGTH) + "...";
    }
}
