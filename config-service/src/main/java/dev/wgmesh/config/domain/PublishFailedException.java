package dev.wgmesh.config.domain;

/** Kafka did not confirm a record, or a request had no outcome in time; the change is not accepted. */
public final class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
