package dev.wgmesh.deployer.domain;

import java.io.IOException;

/** Where configs go: files on this machine, or a command that takes them to a host. */
public interface Target {

    /** Makes the host's interfaces exactly {@code files}; returns what changed, for the log (never content). */
    String apply(HostRef host, DesiredFiles files) throws IOException, DeployFailure;

    /** Removes everything of the host; returns what changed, for the log. */
    String remove(HostRef host) throws IOException, DeployFailure;

    /** What the host has now; a failure to look says why (the host is then UNKNOWN). */
    HostObservation observe(HostRef host) throws IOException, DeployFailure;
}
