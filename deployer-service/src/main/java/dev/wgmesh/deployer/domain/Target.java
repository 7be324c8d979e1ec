package dev.wgmesh.deployer.domain;

import java.io.IOException;

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
}
