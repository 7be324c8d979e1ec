package dev.wgmesh.common.events;

/**
 * The reason a record went to a dead-letter topic, fit to put in its headers: the failure's message as
 * {@link SafeText}, so a key can never travel in a reason, whatever the code that failed put into its
 * message; the record itself is copied to the DLT as it was.
 */
public final class DeadLetterReason {

    private DeadLetterReason() {
    }

    public static String of(Throwable failure) {
        String message = failure.getMessage() == null || failure.getMessage().isBlank()
                ? failure.getClass().getSimpleName() : failure.getMessage();
        return SafeText.redact(message);
    }
}
