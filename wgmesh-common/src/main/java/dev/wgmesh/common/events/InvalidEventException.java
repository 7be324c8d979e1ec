package dev.wgmesh.common.events;

/** A record that is not a valid wgmesh event: not JSON, the wrong shape, or impossible values. Never retried. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }

    public InvalidEventException(String message) {
        super(message);
    }
}
