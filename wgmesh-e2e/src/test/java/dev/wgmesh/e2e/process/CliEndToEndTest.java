package dev.wgmesh.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wgmesh.cli.WgmeshCommand;
import dev.wgmesh.cli.process.Processes;
import dev.wgmesh.cli.process.WgmeshProcesses;
import dev.wgmesh.common.events.EventJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Every subcommand of the wgmesh command against wgmesh as ./wgmesh up runs it (a broker and each service its
 * own process), run in this JVM with the API's address and token as an operator gives them: what it prints
 * and its exit code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {

    private static final String GROUP = "cli";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

    private Path workDir;
    private WgmeshProcesses wgmesh;
    private final List<Run> background = new ArrayList<>();

    /** One run of the command; its output can be read while it runs. */
    private static final class Run {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> exit;

        Run(String... args) {
            exit = CompletableFuture.supplyAsync(
                    () -> WgmeshCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args));
        }

        Run done() throws Exception {
            exit.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return this;
        }

        int exitCode() {
            return exit.join();
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }

        void await(Predicate<Run> condition, String what) throws InterruptedException {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
            while (!condition.test(this)) {
                assertThat(Instant.now()).as("%s; out:%n%s%nerr:%n%s", what, out(), err()).isBefore(deadline);
                Thread.sleep(100);
            }
        }
    }

    @BeforeAll
    void start() throws IOException {
        workDir = Files.createTempDirectory("wgmesh-cli-");
        Processes.deleteAtExit(workDir);
        Path logDir = Path.of("target", "process-logs",
                getClass().getSimpleName() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        wgmesh = new WgmeshProcesses(Path.of(System.getProperty("user.dir")).getParent(), workDir, logDir.toAbsolutePath());
        wgmesh.startPipeline();
        wgmesh.startDeployer("deployer-1", workDir.resolve("out"), java.util.Map.of()).awaitStarted(WgmeshProcesses.START_TIMEOUT);
    }

    @AfterAll
    void stop() throws IOException {
        if (wgmesh != null) {
            wgmesh.close();
        }
        Processes.deleteTree(workDir);
    }

    /** The command with this system's address and token, as --url and --token. */
    private Run wgmesh(String... args) throws Exception {
        return run(true, args).done();
    }

    private Run run(boolean withToken, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", wgmesh.apiBase()));
        if (withToken) {
            all.addAll(List.of("--token", wgmesh.apiToken()));
        }
        return new Run(all.toArray(String[]::new));
    }

    private static Path example(String name) {
        return Path.of(System.getProperty("user.dir")).resolveSibling("examples").resolve(name);
    }

    @Test
    @Order(1)
    void applyCreatesTheGroupAndStatusWaitsUntilItConverged() throws Exception {
        Run empty = wgmesh("get", "groups");
        assertThat(empty.exitCode()).isZero();
        assertThat(empty.out()).contains("no groups yet; create one with: wgmesh apply -f FILE");

        Run apply = wgmesh("apply", "-f", example("hoster-6-hosts.json").toString(), "--group", GROUP);
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out().strip()).isEqualTo("group cli created at revision 1; follow it with: wgmesh status cli --wait");

        Run status = wgmesh("status", GROUP, "--wait", "--timeout", "2m");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("cli rev 1: 6/6 applied, 0 failed, converged").contains("hoster-node-03  APPLIED");
        assertThat(status.err().lines()).allMatch(line -> line.matches("cli rev 1: \\d/6 applied, 0 failed"));
    }

    @Test
    @Order(2)
    void getShowsTheGroupsAsTableJsonAndYaml() throws Exception {
        Run groups = wgmesh("get", "groups");
        assertThat(groups.out().lines()).first().asString().startsWith("NAME  REVISION  TOPOLOGY  HOSTS  CHANGED-BY");
        assertThat(groups.out().lines()).anyMatch(line -> line.matches("cli\\s+1\\s+hoster\\s+6\\s+api@127\\.0\\.0\\.1"));

        JsonNode json = EventJson.mapper().readTree(wgmesh("get", "groups", "-o", "json").out());
        assertThat(json.get(0).get("name").asString()).isEqualTo(GROUP);

        Run group = wgmesh("get", "group", GROUP);
        assertThat(group.exitCode()).isZero();
        assertThat(group.out()).contains("hoster-node-01", "TUNNEL-SEGMENT").doesNotContain("change-me");
        Run yaml = wgmesh("get", "group", GROUP, "-o", "yaml");
        assertThat(yaml.out()).contains("name: \"cli\"", "revision: 1", "- name: \"hoster-node-01\"");
    }

    @Test
    @Order(3)
    void aSavedYamlFileGoesBackWithItsRevisionAndAStaleOneIsRefused() throws Exception {
        Path saved = workDir.resolve("cli.yaml");
        Files.writeString(saved, wgmesh("get", "group", GROUP, "-o", "yaml").out());

        Run apply = wgmesh("apply", "-f", saved.toString());
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("group cli replaced at revision 2");

        // the same file again: it was read at revision 1, and the group is at 2 now
        Run stale = wgmesh("apply", "-f", saved.toString());
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err().lines()).contains("refused: 412 Precondition failed")
                .anyMatch(line -> line.startsWith("  If-Match: ") && line.contains("revision 2"))
                .anyMatch(line -> line.contains("cli changed after revision 1"));
        assertThat(stale.err()).doesNotContain("Exception", "\tat ");
        assertThat(wgmesh("status", GROUP, "--wait").exitCode()).isZero();
    }

    @Test
    @Order(4)
    void badInputIsTheServersProblemsAsLines() throws Exception {
        Path bad = Files.writeString(workDir.resolve("bad.yaml"), """
                mtu: big
                hosts:
                  - name: h1
                    endpoint: "192.0.2.1:99999"
                    tunnelSegment: 198.19.1.1/24
                """);
        Run refused = wgmesh("apply", "-f", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err().lines()).first().asString().startsWith("refused: 400");
        assertThat(refused.err().lines()).anyMatch(line -> line.startsWith("  mtu: "))
                .anyMatch(line -> line.startsWith("  hosts[0].endpoint: ") && line.endsWith("(given: \"192.0.2.1:99999\")"));

        Run noToken = run(false, "rotate", GROUP).done();
        assertThat(noToken.exitCode()).isEqualTo(1);
        assertThat(noToken.err()).contains("refused: 401", "  Authorization: ", "--token, WGMESH_TOKEN");

        Run missing = wgmesh("get", "group", "nobody");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().lines()).first().asString().startsWith("refused: 404");
        assertThat(missing.err()).contains("  group: ");
    }

    @Test
    @Order(5)
    void rotationsShowOnTheLiveFeedAndConverge() throws Exception {
        Run follow = run(true, "events", "--group", GROUP, "--follow");
        background.add(follow);
        Run events = run(true, "events", "--group", GROUP, "-o", "json");
        follow.await(run -> run.err().contains("following the live feed"), "events --follow connected");
        events.await(run -> run.err().contains("the live feed of"), "events connected");

        Run host = wgmesh("rotate", GROUP, "--host", "hoster-node-03");
        assertThat(host.exitCode()).as(host.err()).isZero();
        assertThat(host.out().strip()).isEqualTo("keys of hoster-node-03 in cli rotate at revision 3;"
                + " follow it with: wgmesh status cli --wait");
        assertThat(wgmesh("status", GROUP, "--wait").exitCode()).isZero();
        Run all = wgmesh("rotate", GROUP, "-o", "json");
        assertThat(EventJson.mapper().readTree(all.out()).get("revision").asLong()).isEqualTo(4);
        assertThat(wgmesh("status", GROUP, "--wait").out()).startsWith("cli rev 4: 6/6 applied, 0 failed, converged");

        follow.await(run -> run.out().lines().anyMatch(line -> line.contains(" deployment-reported cli/hoster-node-03 rev=4 ")),
                "the rotation's reports on the followed feed");
        assertThat(follow.out().lines()).anyMatch(line -> line.matches("\\S+ host-group-changed cli rev=3( .*)?"));
        // without --follow the command ends once the feed is quiet
        assertThat(events.exit.get(1, TimeUnit.MINUTES)).isZero();
        List<JsonNode> records = events.out().lines().map(line -> EventJson.mapper().readTree(line)).toList();
        assertThat(records).anyMatch(record -> record.get("topic").asString().equals("wgmesh.deployment-reported")
                && record.get("value").get("revision").asLong() == 4);
        assertThat(records).allMatch(record -> record.get("key").asString().startsWith(GROUP));

        // the records of the last ten minutes, from before the command started, each once
        Run history = wgmesh("events", "--group", GROUP, "--since", "10m", "-o", "json");
        assertThat(history.exitCode()).as(history.err()).isZero();
        List<JsonNode> past = history.out().lines().map(line -> EventJson.mapper().readTree(line)).toList();
        assertThat(past).anyMatch(record -> record.get("topic").asString().equals("wgmesh.host-group-changed")
                && record.get("value").get("revision").asLong() == 3);
        assertThat(past).allMatch(record -> record.get("key").asString().startsWith(GROUP));
        assertThat(past.stream().map(record -> record.get("topic").asString() + "-" + record.get("partition") + "-"
                + record.get("offset"))).doesNotHaveDuplicates();
        Run tooLong = wgmesh("events", "--since", "48h");
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.err()).contains("refused: 400").contains("since").contains("\"PT48H\"");
    }

    @Test
    @Order(6)
    void healthReapplyAndPlanAnswerOrSayTheServerHasNoSuchCall() throws Exception {
        Run health = wgmesh("health", GROUP);
        if (health.err().contains("this server has no health endpoint")) {
            assertThat(health.exitCode()).isEqualTo(1);
            assertThat(health.err().strip()).isEqualTo("this server has no health endpoint (404 for GET /api/v1/groups/cli/health):"
                    + " it is older than this wgmesh command");
        } else {
            // the file target observes no tunnels (UNKNOWN): healthy while nothing drifted
            assertThat(health.out()).as(health.err()).startsWith("cli: healthy, ").contains("HOST", "DRIFT", "hoster-node-01");
            assertThat(health.exitCode()).isZero();
        }

        Run reapply = wgmesh("reapply", GROUP, "hoster-node-03");
        if (reapply.err().contains("this server has no reapply endpoint")) {
            assertThat(reapply.exitCode()).isEqualTo(1);
        } else {
            assertThat(reapply.exitCode()).as(reapply.err()).isZero();
            assertThat(reapply.out()).contains("hoster-node-03 in cli: reapply requested");
            assertThat(wgmesh("status", GROUP, "--wait").exitCode()).isZero();
        }

        long revision = EventJson.mapper().readTree(wgmesh("get", "group", GROUP, "-o", "json").out()).get("revision").asLong();
        Run plan = wgmesh("plan", "-f", example("hoster-6-hosts.json").toString(), "--group", GROUP, "-o", "json");
        if (plan.err().contains("this server has no plan endpoint")) {
            assertThat(plan.exitCode()).isEqualTo(1);
            assertThat(plan.err().strip()).isEqualTo("this server has no plan endpoint (404 for POST /api/v1/groups/cli/plan):"
                    + " it is older than this wgmesh command");
        } else {
            assertThat(plan.exitCode()).as(plan.err()).isZero();
            assertThat(EventJson.mapper().readTree(plan.out()).isObject()).isTrue();
        }
        // a plan changes nothing
        assertThat(EventJson.mapper().readTree(wgmesh("get", "group", GROUP, "-o", "json").out()).get("revision").asLong())
                .isEqualTo(revision);
    }

    @Test
    @Order(7)
    void presharedKeysRotateAndARevokedHostLeaves() throws Exception {
        long revision = EventJson.mapper().readTree(wgmesh("get", "group", GROUP, "-o", "json").out()).get("revision").asLong();
        Run psk = wgmesh("rotate", GROUP, "--preshared-keys");
        assertThat(psk.exitCode()).as(psk.err()).isZero();
        assertThat(psk.out().strip()).isEqualTo("preshared keys of cli rotate at revision " + (revision + 1) + ";"
                + " follow it with: wgmesh status cli --wait");
        assertThat(wgmesh("status", GROUP, "--wait").exitCode()).isZero();

        Run revoke = wgmesh("revoke", GROUP, "hoster-node-06");
        assertThat(revoke.exitCode()).as(revoke.err()).isZero();
        assertThat(revoke.out().strip()).isEqualTo("hoster-node-06 revoked from cli at revision " + (revision + 2) + ";"
                + " follow it with: wgmesh status cli --wait");
        assertThat(wgmesh("status", GROUP, "--wait").out()).startsWith("cli rev " + (revision + 2) + ": 5/5 applied, 0 failed, converged");
        JsonNode group = EventJson.mapper().readTree(wgmesh("get", "group", GROUP, "-o", "json").out());
        assertThat(group.get("revoked").toString()).isEqualTo("[\"hoster-node-06\"]");
        assertThat(group.get("hosts").toString()).doesNotContain("hoster-node-06");
    }

    @Test
    @Order(8)
    void deleteRemovesTheGroup() throws Exception {
        Run delete = wgmesh("delete", GROUP);
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out().strip()).isEqualTo("group cli deleted; the deployers remove its files");
        assertThat(wgmesh("get", "groups").out()).contains("no groups yet");
        assertThat(wgmesh("status", GROUP).exitCode()).isEqualTo(1);
    }
}
