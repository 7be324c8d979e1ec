package dev.wgmesh.e2e.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Real Linux hosts on one machine, for tests that run WireGuard for real: every host is a network
 * namespace plus its own mount namespace, with private tmpfs at /run (wireguard-go's sockets; and no
 * view of this machine's systemd, whose units a host must never enable), /etc/wireguard and
 * /var/lib/wgmesh, so every host can have a wg0 as real hosts do. The
 * hosts share an underlay: a bridge in a namespace of its own, one veth per host, host i at
 * 192.0.2.(10+i)/24 (198.51.100.0/24 after the 244th host). No namespace has a default route, so
 * nothing a host sends leaves the lab.
 *
 * <p>All names start with a prefix unique to this lab ({@code wgl<pid%10000><letter>}); {@link #close()}
 * (and a shutdown hook, when a test never gets there) removes exactly what carries that prefix:
 * processes inside the lab's namespaces (wireguard-go), mount namespaces, network namespaces, and
 * with them the veths and the bridge. Needs root; see {@link LabTools#assumeAvailable()}.
 */
public final class Lab implements AutoCloseable {

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** This result when the command succeeded, else an exception with its stderr. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException("exit " + exitCode + ": " + stderr.strip());
            }
            return this;
        }

        @Override
        public String toString() {
            // stdout may hold keys (wg show dump, config files): never print it by accident
            return "Result[exitCode=" + exitCode + ", stderr=" + stderr.strip() + "]";
        }
    }

    /** One peer of one interface as `wg show all dump` lists it, without the preshared key. */
    public record WgPeer(String iface, String publicKey, String endpoint, String allowedIps,
                         long latestHandshake, long rxBytes, long txBytes) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String HOST_NAME = "[a-z0-9][a-z0-9-]{0,40}";
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final Path STATE_DIR = Path.of("/var/lib/wgmesh");
    private static final String OWNER = ".owner";
    private static final String SCRIPT = ".apply-in-lab-host";

    private final String prefix;
    private final Path mountDir;
    private final Map<String, String> underlay = new LinkedHashMap<>();
    private final Thread shutdownHook;
    private boolean closed;

    private Lab(List<String> hosts) {
        for (String host : hosts) {
            if (!host.matches(HOST_NAME) || underlay.containsKey(host)) {
                throw new IllegalArgumentException("bad or duplicate lab host name '" + host + "'");
            }
            int i = underlay.size() + 1;
            underlay.put(host, i <= 244 ? "192.0.2." + (10 + i) : "198.51.100." + (i - 244));
        }
        if (hosts.size() > 244 + 254) {
            throw new IllegalArgumentException("a lab has at most 498 hosts, not " + hosts.size());
        }
        prefix = claimPrefix();
        mountDir = Path.of("/run", prefix);
        shutdownHook = new Thread(() -> removeEverything(prefix), prefix + "-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            build();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** A lab with the given hosts, each up with its underlay address; call {@link #close()}. */
    public static Lab start(String... hosts) {
        return new Lab(List.of(hosts));
    }

    /** A lab with hosts host1..hostN. */
    public static Lab start(int hosts) {
        String[] names = new String[hosts];
        Arrays.setAll(names, i -> "host" + (i + 1));
        return start(names);
    }

    public List<String> hosts() {
        return List.copyOf(underlay.keySet());
    }

    /** The address other hosts reach this host at, e.g. for WireGuard endpoints. */
    public String underlayAddress(String host) {
        check(host);
        return underlay.get(host);
    }

    /** The prefix of every name this lab made (namespaces, /run folder). */
    public String prefix() {
        return prefix;
    }

    /** Runs a command inside a host: its network namespace and its mount namespace. */
    public Result exec(String host, String... command) {
        return Shell.run(inHost(host, command), TIMEOUT);
    }

    /** The command line that runs {@code command} inside a host. */
    public List<String> inHost(String host, String... command) {
        check(host);
        List<String> full = new ArrayList<>(List.of("nsenter", "--mount=" + mountNamespace(host),
                "--net=/var/run/netns/" + netns(host)));
        full.addAll(List.of(command));
        return full;
    }

    /** Starts a command inside a host and returns at once; its output is the caller's to read. */
    public Process spawn(String host, String... command) throws java.io.IOException {
        return new ProcessBuilder(inHost(host, command)).redirectErrorStream(true).start();
    }

    /** Puts an address on the host's lo: how a lab host gets an internal (VM or jail) network. */
    public void addLoopbackAddress(String host, String addressWithPrefix) {
        exec(host, "ip", "address", "add", addressWithPrefix, "dev", "lo").orThrow();
    }

    /** Whether {@code from} gets an answer from {@code address}, with a few tries of one second. */
    public boolean ping(String from, String address) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (exec(from, "ping", "-n", "-q", "-c", "1", "-W", "1", address).ok()) {
                return true;
            }
        }
        return false;
    }

    /** The WireGuard peers of every interface of the host. */
    public List<WgPeer> wgShow(String host) {
        String dump = exec(host, "wg", "show", "all", "dump").orThrow().stdout();
        List<WgPeer> peers = new ArrayList<>();
        for (String line : dump.split("\n")) {
            String[] f = line.split("\t");
            // interface lines have 5 fields (with the private key), peer lines 9
            if (f.length == 9) {
                peers.add(new WgPeer(f[0], f[1], f[3], f[4], Long.parseLong(f[5]), Long.parseLong(f[6]),
                        Long.parseLong(f[7])));
            }
        }
        return peers;
    }

    /** The interface names the host has, as `ip -o link` lists them. */
    public List<String> links(String host) {
        return exec(host, "ip", "-o", "link", "show").orThrow().stdout().lines()
                .map(line -> line.split(":\\s*")[1].replaceAll("@.*", ""))
                .collect(Collectors.toList());
    }

    /** The host-side apply script of this repository, host/wgmesh-apply. */
    public static Path applyScript() {
        String configured = System.getProperty("wgmesh.apply-script");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("host/wgmesh-apply");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new IllegalStateException("host/wgmesh-apply not found above " + Path.of("").toAbsolutePath());
    }

    /** Runs host/wgmesh-apply inside the host with its default folders. */
    public Result apply(String host, Path desiredDir) {
        return exec(host, "env", "-u", "WGMESH_OS", applyScript().toString(), desiredDir.toAbsolutePath().toString());
    }

    /**
     * A script for deployer-service's {@code command} target: it applies WGMESH_CONFIG_DIR inside the
     * lab host named WGMESH_HOST with host/wgmesh-apply, so a deployer running in the root namespace
     * deploys into this lab; with {@code status} as its first argument it prints that host's
     * {@code wgmesh-apply status} instead. Lab hosts are Linux whatever WGMESH_OS says. The config
     * folder must be visible in the hosts' mount namespaces (any folder on a file system mounted
     * before the lab, such as /tmp here).
     */
    public Path applyCommandScript() {
        // in the lab's /run folder, so that whatever removes the lab removes the script too
        Path script = mountDir.resolve(SCRIPT);
        String hosts = String.join("|", underlay.keySet());
        String text = """
                #!/usr/bin/env bash
                # Generated by dev.wgmesh.e2e.lab.Lab for lab %1$s: applies WGMESH_CONFIG_DIR in lab host WGMESH_HOST.
                set -euo pipefail
                host=${WGMESH_HOST:?WGMESH_HOST is not set}
                case "$host" in
                    %2$s) ;;
                    *) echo "lab %1$s has no host named '$host'" >&2; exit 1 ;;
                esac
                if [ "${1:-}" = status ]; then
                    exec nsenter --mount=%3$s/"$host" --net=/var/run/netns/%1$s-"$host" \\
                        env -u WGMESH_OS %4$s status
                fi
                dir=${WGMESH_CONFIG_DIR:?WGMESH_CONFIG_DIR is not set}
                exec nsenter --mount=%3$s/"$host" --net=/var/run/netns/%1$s-"$host" \\
                    env -u WGMESH_OS %4$s "$dir"
                """.formatted(prefix, hosts, mountDir, applyScript());
        try {
            Files.writeString(script, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    /** Removes everything this lab made; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeEverything(prefix);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | NullPointerException alreadyShuttingDownOrNeverAdded) {
            // the hook runs or ran anyway
        }
    }

    private void build() throws IOException {
        Files.createDirectories(STATE_DIR);
        root("ip", "netns", "add", bridgeNetns());
        root("ip", "-n", bridgeNetns(), "link", "add", "br0", "type", "bridge");
        root("ip", "-n", bridgeNetns(), "link", "set", "br0", "up");
        int i = 0;
        for (String host : underlay.keySet()) {
            i++;
            String ns = netns(host);
            root("ip", "netns", "add", ns);
            Path mnt = mountNamespace(host);
            Files.createFile(mnt);
            // the new mount namespace copied every namespace file mounted so far (other hosts', other
            // labs'); such copies would keep those namespaces alive after their owners removed them.
            // Unmounted before /run is covered, while their paths still lead to them.
            root("unshare", "--mount=" + mnt, "--propagation", "private", "sh", "-c",
                    "findmnt -rn -t nsfs -o TARGET | while read -r t; do umount -l \"$t\"; done");
            root("nsenter", "--mount=" + mnt, "sh", "-c", "mount -t tmpfs -o mode=0755 tmpfs /run && mkdir /run/wireguard");
            for (String dir : List.of("/etc/wireguard", STATE_DIR.toString())) {
                root("nsenter", "--mount=" + mnt, "mount", "-t", "tmpfs", "-o", "mode=0700", "tmpfs", dir);
            }
            root("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "h" + i,
                    "netns", bridgeNetns());
            root("ip", "-n", bridgeNetns(), "link", "set", "h" + i, "master", "br0", "up");
            root("ip", "-n", ns, "address", "add", underlay.get(host) + "/24", "dev", "eth0");
            root("ip", "-n", ns, "link", "set", "eth0", "up");
            root("ip", "-n", ns, "link", "set", "lo", "up");
            if (underlay.size() > 244) {
                String other = underlay.get(host).startsWith("192.") ? "198.51.100.0/24" : "192.0.2.0/24";
                root("ip", "-n", ns, "route", "add", other, "dev", "eth0");
            }
        }
    }

    /**
     * A prefix no living lab uses, with its /run folder made and our pid in its owner file; what a dead
     * JVM left under a prefix (it had our pid modulo 10000) is removed first.
     */
    private static String claimPrefix() {
        removeLabsOfDeadJvms();
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < 100; attempt++) {
            String candidate = "wgl" + pid % 10000 + Integer.toString(10 + LABS.getAndIncrement() % 26, 36);
            Path dir = Path.of("/run", candidate);
            if (ownerAlive(dir.resolve(OWNER))) {
                continue;
            }
            removeEverything(candidate);
            try {
                Files.createDirectory(dir);
                Files.writeString(dir.resolve(OWNER), Long.toString(pid));
                return candidate;
            } catch (IOException raceOrNoRoot) {
                // another JVM took it between our look and our mkdir, or /run is not ours to write
                if (!Files.isDirectory(Path.of("/run")) || !Files.isWritable(Path.of("/run"))) {
                    throw new UncheckedIOException(raceOrNoRoot);
                }
            }
        }
        throw new IllegalStateException("no free lab prefix for pid " + pid);
    }

    /** Labs whose JVM was killed before its shutdown hook could run (kill -9, a crash). */
    private static void removeLabsOfDeadJvms() {
        try (var dirs = Files.newDirectoryStream(Path.of("/run"), "wgl*")) {
            for (Path dir : dirs) {
                if (Files.exists(dir.resolve(OWNER)) && !ownerAlive(dir.resolve(OWNER))) {
                    removeEverything(dir.getFileName().toString());
                }
            }
        } catch (IOException ignored) {
            // nothing to sweep
        }
    }

    private static boolean ownerAlive(Path ownerFile) {
        try {
            long owner = Long.parseLong(Files.readString(ownerFile).strip());
            return ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException noOwner) {
            return false;
        }
    }

    /** Removes, by a lab's prefix, what a lab of that prefix may have made; never throws. */
    private static void removeEverything(String prefix) {
        Path mountDir = Path.of("/run", prefix);
        List<String> namespaces = Shell.run(List.of("ip", "netns", "list"), TIMEOUT).stdout().lines()
                .map(line -> line.split(" ")[0])
                .filter(name -> name.startsWith(prefix + "-"))
                .toList();
        // wireguard-go daemons (and anything else still running in a lab host) first
        List<ProcessHandle> processes = new ArrayList<>();
        for (String ns : namespaces) {
            for (String pid : Shell.run(List.of("ip", "netns", "pids", ns), TIMEOUT).stdout().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(processes::add);
                }
            }
        }
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (ProcessHandle process : processes) {
            while (process.isAlive() && System.nanoTime() < deadline) {
                sleep(20);
            }
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        if (Files.isDirectory(mountDir)) {
            try (var files = Files.list(mountDir)) {
                for (Path file : files.toList()) {
                    if (!file.getFileName().toString().startsWith(".")) {
                        Shell.run(List.of("umount", file.toString()), TIMEOUT);
                    }
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(mountDir);
            } catch (IOException ignored) {
                // best effort: the namespaces below still go
            }
        }
        for (String ns : namespaces) {
            Shell.run(List.of("ip", "netns", "delete", ns), TIMEOUT);
        }
    }

    private void root(String... command) {
        Result result = Shell.run(List.of(command), TIMEOUT);
        if (!result.ok()) {
            throw new IllegalStateException("lab " + prefix + ": '" + String.join(" ", command) + "' failed: "
                    + result.stderr().strip());
        }
    }

    private void check(String host) {
        if (!underlay.containsKey(host)) {
            throw new IllegalArgumentException("lab " + prefix + " has no host '" + host + "'");
        }
        if (closed) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
    }

    private String netns(String host) {
        return prefix + "-" + host;
    }

    private String bridgeNetns() {
        return prefix + "-underlay";
    }

    private Path mountNamespace(String host) {
        return mountDir.resolve(host);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
