package dev.wgmesh.e2e.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Whether this machine can run a {@link Lab}: Linux, root, /dev/net/tun and the tools it calls. */
public final class LabTools {

    static final List<String> TOOLS = List.of("ip", "wg", "wg-quick", "wireguard-go", "unshare", "nsenter",
            "ping", "mount", "umount", "findmnt", "bash");

    private LabTools() {
    }

    /**
     * Skips the calling test with the reason when a lab cannot run here; fails it instead when the
     * environment variable WGMESH_REQUIRE_ROOT_TESTS is 1 (CI that must run these tests).
     */
    public static void assumeAvailable() {
        String missing = missing();
        if (missing.isEmpty()) {
            return;
        }
        String message = "lab tests need Linux, root, /dev/net/tun and " + String.join(", ", TOOLS) + "; " + missing;
        if ("1".equals(System.getenv("WGMESH_REQUIRE_ROOT_TESTS"))) {
            Assertions.fail(message + " (and WGMESH_REQUIRE_ROOT_TESTS=1 requires them)");
        }
        Assumptions.abort(message);
    }

    static String missing() {
        List<String> problems = new ArrayList<>();
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            return "this is " + System.getProperty("os.name");
        }
        if (!"0".equals(Shell.run(List.of("id", "-u"), Duration.ofSeconds(10)).stdout().strip())) {
            problems.add("not running as root");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            problems.add("/dev/net/tun is missing");
        }
        List<String> tools = TOOLS.stream().filter(tool -> !onPath(tool)).toList();
        if (!tools.isEmpty()) {
            problems.add("missing " + String.join(", ", tools));
        }
        return String.join("; ", problems);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
