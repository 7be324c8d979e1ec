package dev.wgmesh.config.domain;

/** Kafka did not confirm a record; the change is not accepted and memory stays as it was. */
public final class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
