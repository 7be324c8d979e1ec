package dev.wgmesh.common.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real WireGuard tools against config files, for tests of any module (it ships in
 * wgmesh-common's test-jar). {@link #setconf(Path)} loads a file into a throwaway wireguard-go
 * interface inside its own network namespace, so nothing on the machine's own network changes.
 */
public final class WireGuardTools {

    /** Set to 1 (CI) to make missing root or tools a failure instead of a skipped test. */
    public static final String REQUIRE_ENV = "WGMESH_REQUIRE_ROOT_TESTS";

    private static final List<String> TOOLS = List.of("wg", "wg-quick", "wireguard-go", "ip");
    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");
    private static final Path SOCKET_DIR = Path.of("/var/run/wireguard");
    private static final Pattern PEER_KEY = Pattern.compile("(?im)^\\s*PublicKey\\s*=\\s*(\\S+)\\s*$");
    private static final Pattern LISTEN_PORT = Pattern.compile("(?im)^\\s*ListenPort\\s*=\\s*(\\d+)\\s*$");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long TIMEOUT_SECONDS = 20;

    private WireGuardTools() {
    }

    /**
     * Skips the calling test, saying why, unless this process runs as root and wg, wg-quick,
     * wireguard-go and ip are installed; with {@value #REQUIRE_ENV}=1 it fails instead.
     */
    public static void assumeAvailable() {
        String missing = whyUnavailable();
        if (missing != null) {
            skipOrFail("real WireGuard tests need root and the tools: " + missing);
        }
    }

    /**
     * The absolute path of one tool, such as {@code wg} for {@code wg pubkey}, which needs no root;
     * skips the calling test when it is missing (fails with {@value #REQUIRE_ENV}=1).
     */
    public static String assumeTool(String name) {
        String path = find(name);
        if (path == null) {
            skipOrFail("`" + name + "` is not installed");
        }
        return path;
    }

    private static void skipOrFail(String why) {
        skipOrFail(why, "1".equals(System.getenv(REQUIRE_ENV)));
    }

    static void skipOrFail(String why, boolean required) {
        if (required) {
            fail("real WireGuard tests are required (" + REQUIRE_ENV + "=1) but " + why);
        }
        Assumptions.abort("skipped, " + why);
    }

    /** Why the real tools cannot run here, or null when they can. */
    public static String whyUnavailable() {
        List<String> reasons = new ArrayList<>();
        if (!isRoot()) {
            reasons.add("not running as root (uid " + uid() + ")");
        }
        for (String tool : TOOLS) {
            if (find(tool) == null) {
                reasons.add("`" + tool + "` is not installed");
            }
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            reasons.add("/dev/net/tun is missing");
        }
        return reasons.isEmpty() ? null : String.join(", ", reasons);
    }

    /** {@code wg-quick strip} of the file: what {@code wg setconf} reads. Fails the test when wg-quick does. */
    public static String strip(Path conf) {
        Path file = conf.toAbsolutePath();
        Path copy = null;
        try {
            // wg-quick takes the interface name from the file name, so give it one it accepts
            if (!file.getFileName().toString().matches("[a-zA-Z0-9_=+.-]{1,15}\\.conf")) {
                copy = Files.createTempDirectory("wgmesh-strip");
                file = Files.copy(file, copy.resolve("wgmesh.conf"));
            }
            return run(List.of(tool("wg-quick"), "strip", file.toString())).stdout();
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy " + conf, e);
        } finally {
            if (copy != null) {
                deleteQuietly(file, copy);
            }
        }
    }

    /**
     * Loads the file with {@code wg setconf} into a fresh wireguard-go interface in a throwaway network
     * namespace and checks that {@code wg show} then lists exactly the file's peers (and its listen
     * port). The namespace and the wireguard-go process are removed whatever happens.
     */
    public static void setconf(Path conf) {
        String stripped = strip(conf);
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        String namespace = "wgmesh-t-" + pid + "-" + n;
        // the control socket directory is shared by all network namespaces: the name must be unique
        String iface = "wgt" + Long.toString(pid, 36) + "x" + Integer.toString(n, 36);
        Process daemon = null;
        Path work = null;
        boolean namespaceAdded = false;
        try {
            work = Files.createTempDirectory("wgmesh-setconf");
            Path file = work.resolve("stripped.conf");
            Files.writeString(file, stripped);
            Path log = work.resolve("wireguard-go.log");
            run(List.of(tool("ip"), "netns", "add", namespace));
            namespaceAdded = true;
            run(List.of(tool("ip"), "-n", namespace, "link", "set", "lo", "up"));
            ProcessBuilder builder = new ProcessBuilder(tool("ip"), "netns", "exec", namespace,
                    tool("wireguard-go"), "-f", iface).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
            daemon = builder.start();
            awaitSocket(daemon, iface, log);
            run(List.of(tool("ip"), "netns", "exec", namespace, tool("wg"), "setconf", iface, file.toString()));
            Set<String> shown = new TreeSet<>(lines(run(List.of(tool("wg"), "show", iface, "peers")).stdout()));
            Set<String> expected = new TreeSet<>(matches(PEER_KEY, stripped));
            if (!shown.equals(expected)) {
                fail("wg show " + iface + " peers lists " + shown + " but " + conf + " has peers " + expected);
            }
            List<String> ports = matches(LISTEN_PORT, stripped);
            if (!ports.isEmpty()) {
                String port = run(List.of(tool("wg"), "show", iface, "listen-port")).stdout().strip();
                if (!port.equals(ports.get(0))) {
                    fail("wg show " + iface + " listen-port is " + port + " but " + conf + " says " + ports.get(0));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run wireguard-go for " + conf, e);
        } finally {
            stop(daemon);
            if (namespaceAdded) {
                runQuietly(List.of(tool("ip"), "netns", "delete", namespace));
            }
            deleteQuietly(SOCKET_DIR.resolve(iface + ".sock"), null);
            if (work != null) {
                deleteQuietly(work.resolve("stripped.conf"), null);
                deleteQuietly(work.resolve("wireguard-go.log"), work);
            }
        }
    }

    /** A tool's absolute path: PATH first, then the system folders a non-login root shell may not list. */
    static String find(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static String tool(String name) {
        String found = find(name);
        if (found == null) {
            fail("`" + name + "` is not installed; call WireGuardTools.assumeAvailable() first");
        }
        return found;
    }

    private static boolean isRoot() {
        return "0".equals(uid());
    }

    private static String uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).strip().split("\\s+")[1]; // the effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no namespaces either
        }
        return "unknown";
    }

    private static void awaitSocket(Process daemon, String iface, Path log) throws IOException {
        Path socket = SOCKET_DIR.resolve(iface + ".sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!Files.exists(socket)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                fail("wireguard-go did not create " + socket + ":\n" + Files.readString(log));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for wireguard-go");
            }
        }
    }

    private static void stop(Process daemon) {
        if (daemon == null) {
            return;
        }
        daemon.destroy();
        try {
            if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record Output(int exitCode, String stdout, String stderr) {
    }

    /** Runs a command and fails the test, with its output, unless it exits 0. */
    static Output run(List<String> command) {
        Output output = exec(command);
        if (output.exitCode() != 0) {
            fail(String.join(" ", command) + " exited with " + output.exitCode() + ":\n" + output.stderr()
                    + output.stdout());
        }
        return output;
    }

    private static void runQuietly(List<String> command) {
        try {
            exec(command);
        } catch (RuntimeException e) {
            // cleanup goes on with the next step
        }
    }

    private static Output exec(List<String> command) {
        Path err = null;
        try {
            err = Files.createTempFile("wgmesh-tool", ".err");
            Process process = new ProcessBuilder(command).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Output(process.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(err, null);
        }
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static void deleteQuietly(Path file, Path dir) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
            if (dir != null) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }
}
