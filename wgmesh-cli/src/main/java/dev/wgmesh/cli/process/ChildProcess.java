package dev.wgmesh.cli.process;

import java.nio.file.Path;

/** A child process that can be started again on the same settings and log after it ended: what up supervises. */
public interface ChildProcess extends MeasuredProcess {

    /** Its name in messages, also its log file's. */
    String name();

    /** Starts it (again), its output appended to {@link #log}. */
    void start();

    boolean isAlive();

    /** The exit code of the process that ended (128 + the signal when a signal ended it). */
    int exitValue();

    Path log();

    /** SIGTERM, then SIGKILL when it has not ended within a minute; returns the exit code. */
    int terminate();
}
