package dev.wgmesh.common.trust;

import dev.wgmesh.common.events.InvalidEventException;

/**
 * A record that no trusted signer vouches for, or that says what its signer could not have said (an old
 * revision again, say). Never applied, never retried: it goes to its topic's DLT with this reason.
 */
public class UntrustedRecordException extends InvalidEventException {

    public UntrustedRecordException(String reason) {
        super(reason);
    }
}
