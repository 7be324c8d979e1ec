package dev.wgmesh.renderer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wgmesh.common.crypto.X25519Keys;
import dev.wgmesh.common.testing.WireGuardTools;
import dev.wgmesh.common.wireguard.Cidr;
import dev.wgmesh.common.wireguard.WgConfigParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden file goes through the real wireguard-tools: {@code wg-quick strip}, then {@code wg setconf}
 * on a wireguard-go interface in a network namespace of its own, and {@code wg show dump} must show what
 * the file says. Needs root, wg, wg-quick, wireguard-go and ip: without them it is skipped, saying why,
 * unless WGMESH_REQUIRE_ROOT_TESTS=1 demands it, when it fails instead (WireGuardTools.assumeAvailable).
 */
class WireGuardToolsTest {

    private static final long PID = ProcessHandle.current().pid();
    private static final String NAMESPACE = "wgmesh-rt-" + PID;
    private static final String INTERFACE = "wgrt" + PID;
    private static Path work;
    private static Process wireguardGo;

    @BeforeAll
    static void startInterface() throws Exception {
        WireGuardTools.assumeAvailable();
        work = Files.createTempDirectory("wgmesh-rt-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try {
            exec("ip", "netns", "add", NAMESPACE);
            ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", NAMESPACE, "wireguard-go", "-f", INTERFACE)
                    .redirectOutput(work.resolve("wireguard-go.log").toFile()).redirectErrorStream(true);
            builder.environment().put("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
            wireguardGo = builder.start();
            Instant deadline = Instant.now().plusSeconds(15);
            while (run("ip", "netns", "exec", NAMESPACE, "wg", "show", INTERFACE).exit() != 0) {
                if (!wireguardGo.isAlive() || Instant.now().isAfter(deadline)) {
                    fail("wireguard-go did not bring up " + INTERFACE + ": "
                            + Files.readString(work.resolve("wireguard-go.log")));
                }
                Thread.sleep(100);
            }
        } catch (Exception | AssertionError e) {
            cleanUp();
            throw e;
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (wireguardGo != null) {
            wireguardGo.destroy();
            if (!wireguardGo.waitFor(5, TimeUnit.SECONDS)) {
                wireguardGo.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            wireguardGo = null;
        }
        if (run("ip", "netns", "list").out().lines().anyMatch(line -> line.split(" ")[0].equals(NAMESPACE))) {
            exec("ip", "netns", "del", NAMESPACE);
        }
        Files.deleteIfExists(Path.of("/var/run/wireguard", INTERFACE + ".sock"));
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Stream<Path> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.walk(GoldenFilesTest.GOLDEN)) {
            List<Path> confs = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
            assertThat(confs).as("golden .conf files").isNotEmpty();
            return confs.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("goldenFiles")
    void wgQuickStripAndWgSetconfAcceptTheFile(Path golden) throws Exception {
        // wg-quick wants <interface>.conf, private to its owner, as the deployer writes it
        Path dir = Files.createTempDirectory(work, "conf-");
        Path conf = dir.resolve(golden.getFileName());
        Files.copy(golden, conf);
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        String text = Files.readString(conf);
        WgConfigParser.ParsedConfig expected = WgConfigParser.parse(text);

        String stripped = WireGuardTools.strip(conf);
        assertThat(stripped).contains("[Interface]").doesNotContain("Address", "MTU");
        Path strippedFile = dir.resolve("stripped.conf");
        Files.writeString(strippedFile, stripped);
        exec("ip", "netns", "exec", NAMESPACE, "wg", "setconf", INTERFACE, strippedFile.toString());

        List<String[]> dump = exec("ip", "netns", "exec", NAMESPACE, "wg", "show", INTERFACE, "dump")
                .lines().map(line -> line.split("\t")).toList();
        String[] device = dump.get(0);
        assertThat(device[1]).as("the interface's public key, as wg derives it")
                .isEqualTo(X25519Keys.publicKeyOf(expected.privateKey()).base64());
        assertThat(Integer.parseInt(device[2])).as("listen port").isEqualTo(expected.listenPort());
        assertThat(dump).hasSize(1 + expected.peers().size());
        for (WgConfigParser.ParsedPeer peer : expected.peers()) {
            String[] shown = dump.stream().skip(1).filter(p -> p[0].equals(peer.publicKey().base64())).findFirst()
                    .orElseThrow(() -> new AssertionError("wg shows no peer " + peer.publicKey()));
            assertThat(shown[1]).as("preshared key of %s", peer.publicKey())
                    .isEqualTo(peer.presharedKey() == null ? "(none)" : peer.presharedKey().base64());
            assertThat(shown[2]).as("endpoint").isEqualTo(peer.endpoint().toString());
            assertThat(Arrays.stream(shown[3].split(",")).map(Cidr::parse).toList()).as("allowed IPs")
                    .containsExactlyInAnyOrderElementsOf(peer.allowedIps());
            assertThat(shown[7]).as("persistent keepalive")
                    .isEqualTo(peer.persistentKeepalive() == null || peer.persistentKeepalive() == 0 ? "off"
                            : String.valueOf(peer.persistentKeepalive()));
        }
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs a command that must succeed; returns its standard output. */
    private static String exec(String... command) throws Exception {
        Result result = run(command);
        assertThat(result.exit()).as("%s failed: %s", String.join(" ", command), result.err()).isZero();
        return result.out();
    }

    private static Result run(String... command) throws Exception {
        Path out = Files.createTempFile("wgmesh-rt-out", ".txt");
        Path err = Files.createTempFile("wgmesh-rt-err", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 30 s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
