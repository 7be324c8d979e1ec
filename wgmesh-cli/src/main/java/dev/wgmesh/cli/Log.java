package dev.wgmesh.cli;

import java.io.PrintStream;

/** What up and bench tell their user: {@code [wgmesh] ...} lines, bold (errors red) on a terminal. */
public final class Log {

    private static final boolean TERMINAL = System.console() != null;

    private Log() {
    }

    public static void info(String message) {
        print(System.out, "1", message);
    }

    /** Stands out: a warning the user must not miss, in red on a terminal. */
    public static void warn(String message) {
        print(System.err, "1;31", message);
    }

    public static void error(String message) {
        print(System.err, "1;31", "error: " + message);
    }

    private static void print(PrintStream out, String style, String message) {
        out.println(TERMINAL ? "\033[" + style + "m[wgmesh]\033[0m " + message : "[wgmesh] " + message);
    }
}
