package dev.wgmesh.cli.ops;

/** Ends a command with a message for the operator (never a stack trace) and an exit code. */
final class Failure extends RuntimeException {

    static final int OK = 0;
    /** The server refused, a host FAILED, the group is unhealthy, or wgmesh could not be reached. */
    static final int FAILED = 1;
    /** Wrong usage (as picocli's own), or a wait that timed out. */
    static final int USAGE = 2;
    static final int TIMEOUT = 2;

    private final int exitCode;

    Failure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
