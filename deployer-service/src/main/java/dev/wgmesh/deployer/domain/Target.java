package dev.wgmesh.deployer.domain;

import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.wireguard.InterfaceName;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/** Where configs go: files on this machine, or a command that takes them to a host. */
public interface Target {

    /** Makes the host's interfaces exactly {@code files}; returns what changed, for the log (never content). */
    String apply(HostRef host, DesiredFiles files) throws IOException, DeployFailure;

    /** Removes everything of the host; returns what changed, for the log. */
    String remove(HostRef host) throws IOException, DeployFailure;

    /**
     * What the host has now; a failure to look says why (the host is then UNKNOWN). {@code expected} is what it
     * should have, so that a target can skip the work of telling apart what is known to be the same.
     */
    HostObservation observe(HostRef host, ExpectedHost expected) throws IOException, DeployFailure;

    /**
     * Asked of a host whose last full look found it in sync with every tunnel up: whether it still is, from
     * what the host says its interfaces' digests are (they must be {@code digests}, those of that look) and
     * that no peer went without a handshake since {@code handshakesSince}. A target that cannot tell that
     * briefly answers false, and the host gets a full look.
     */
    default boolean unchanged(HostRef host, Map<InterfaceName, String> digests, Instant handshakesSince)
            throws IOException, DeployFailure {
        return false;
    }

    /** The host is no longer watched here: whatever was kept open for it is let go. */
    default void forget(GroupName group, HostName host) {
    }
}
