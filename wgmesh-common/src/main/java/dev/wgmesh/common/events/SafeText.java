package dev.wgmesh.common.events;

import java.util.regex.Pattern;

/**
 * Free text from elsewhere (an exception's message, a tool's stderr) made fit for a record, a log line or
 * an answer: shortened, with every run of 40 or more base64, base64url or hex characters cut out, so a
 * WireGuard key (44 base64 characters) or a sealed secret can never travel in it.
 */
public final class SafeText {

    static final int MAX_LENGTH = 1000;

    private static final Pattern KEY_LIKE = Pattern.compile("[A-Za-z0-9+/_-]{40,}={0,2}");

    private SafeText() {
    }

    public static String redact(String text) {
        String safe = KEY_LIKE.matcher(text).replaceAll("[redacted]");
        return safe.length() <= MAX_LENGTH ? safe : safe.substring(0, MAX_LENGTH) + "...";
    }
}
