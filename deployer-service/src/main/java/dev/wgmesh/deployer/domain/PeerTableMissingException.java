package dev.wgmesh.deployer.domain;

/**
 * A host's record names a peer table this replica has not read (yet): a transient failure, so the
 * record is retried with back-off, and goes to the DLT only if the table never comes.
 */
public final class PeerTableMissingException extends RuntimeException {

    public PeerTableMissingException(String message) {
        super(message);
    }
}
