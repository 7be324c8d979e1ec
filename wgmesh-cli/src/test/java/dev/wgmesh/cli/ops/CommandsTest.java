package dev.wgmesh.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.net.httpserver.HttpServer;
import dev.wgmesh.common.events.EventJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands' exit codes, If-Match choices and error lines against a stand-in server that answers what the
 * test tells it (the real API is in wgmesh-e2e's CliEndToEndTest).
 */
class CommandsTest {

    private record Reply(int status, String body) {
    }

    /** A request as the server saw it: method, path, If-Match, Content-Type. */
    private record Seen(String method, String path, String ifMatch, String contentType) {
    }

    private HttpServer server;
    private String url;
    private final Map<String, Deque<Reply>> replies = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("If-Match"), exchange.getRequestHeaders().getFirst("Content-Type")));
            Deque<Reply> queue = replies.get(key);
            Reply reply = queue == null ? new Reply(404, problem("path", "No static resource " + key))
                    : queue.size() > 1 ? queue.poll() : queue.peek();
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.status() >= 400 ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(String request, Reply... sequence) {
        replies.put(request, new ArrayDeque<>(List.of(sequence)));
    }

    private static String problem(String field, String message) {
        return "{\"title\":\"Not Found\",\"status\":404,\"errors\":[{\"field\":\"" + field + "\",\"message\":\"" + message + "\"}]}";
    }

    private Cli run(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--url", url, "--token", "t"}, 0, all, args.length, 4);
        return Cli.run(all);
    }

    private static String status(String... states) {
        return statusWith(null, states);
    }

    /**
     * A status with this rollout in waves (a JSON object, null: none); converged as the server says: every host
     * applied and the rollout neither RUNNING nor PAUSED.
     */
    private static String statusWith(String rollout, String... states) {
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < states.length; i++) {
            hosts.append(i == 0 ? "" : ",").append("{\"host\":\"h").append(i).append("\",\"state\":\"").append(states[i])
                    .append("\",\"keyAgeSeconds\":").append(15_724_800 + i * 3_600)
                    .append(",\"nextKeyRotationAt\":\"2027-01-0").append(i + 1).append("T00:00:00Z\"}");
        }
        boolean rolling = rollout != null && (rollout.contains("\"RUNNING\"") || rollout.contains("\"PAUSED\""));
        boolean converged = List.of(states).stream().allMatch("APPLIED"::equals) && !rolling;
        return "{\"name\":\"seed\",\"revision\":4,\"converged\":" + converged + ",\"hosts\":[" + hosts + "]"
                + (rollout == null ? "" : ",\"rollout\":" + rollout) + "}";
    }

    /** A rollout in waves of revision 4 over h0 and h1, one wave each. */
    private static String rollout(String state, int wave, String more) {
        return "{\"revision\":4,\"state\":\"" + state + "\",\"wave\":" + wave + ",\"waves\":2,\"waveHosts\":[[\"h0\"],[\"h1\"]]"
                + more + "}";
    }

    @Test
    void statusWaitsWithAProgressLineAndExitsZeroWhenConverged() {
        answer("GET /api/v1/groups/seed/status", new Reply(200, status("PENDING", "PENDING")),
                new Reply(200, status("APPLIED", "PENDING")), new Reply(200, status("APPLIED", "APPLIED")));
        Cli cli = run("status", "seed", "--wait", "--timeout", "30s");
        assertThat(cli.exitCode()).isZero();
        assertThat(cli.err().lines()).containsExactly("seed rev 4: 0/2 applied, 0 failed", "seed rev 4: 1/2 applied, 0 failed");
        assertThat(cli.out()).startsWith("seed rev 4: 2/2 applied, 0 failed, converged" + System.lineSeparator() + System.lineSeparator() + "HOST").contains("HOST", "h1    APPLIED");
        // key ages as people read them, and when the schedule rotates each key
        assertThat(cli.out()).contains("KEY AGE", "182d 0h", "182d 1h", "NEXT ROTATION", "2027-01-02T00:00:00Z");
    }

    @Test
    void statusExitsOneOnAFailedHostAndTwoOnTimeout() {
        answer("GET /api/v1/groups/seed/status", new Reply(200, status("APPLIED", "FAILED")));
        assertThat(run("status", "seed", "--wait").exitCode()).isEqualTo(1);
        assertThat(run("status", "seed").exitCode()).isEqualTo(1);

        answer("GET /api/v1/groups/seed/status", new Reply(200, status("APPLIED", "PENDING")));
        assertThat(run("status", "seed").exitCode()).isZero();
        Cli timedOut = run("status", "seed", "--wait", "--timeout", "1500ms", "-o", "json");
        assertThat(timedOut.exitCode()).isEqualTo(2);
        assertThat(timedOut.err()).contains("seed did not converge within 1.5s");
        assertThat(timedOut.out()).contains("\"converged\" : false");
    }

    @Test
    void statusShowsTheRolloutWithItsGateAndEvidence() {
        String status = statusWith(rollout("RUNNING", 2, """
                ,"gateDeadline":"2026-12-05T10:01:00.250Z","evidence":["h0 <- h1: traffic at 2026-12-05T10:00:30Z",
                 "h1 <- h0: traffic at 2026-12-05T10:00:31Z"]"""), "APPLIED", "APPLIED");
        answer("GET /api/v1/groups/seed/status", new Reply(200, status));
        Cli cli = run("status", "seed");
        assertThat(cli.exitCode()).isZero();
        assertThat(cli.out()).startsWith(String.join(System.lineSeparator(),
                "seed rev 4: 2/2 applied, 0 failed, rollout RUNNING at wave 2 of 2",
                "rollout of revision 4: RUNNING, wave 2 of 2 (gate until 10:01:00Z)",
                "  h0 <- h1: traffic at 2026-12-05T10:00:30Z",
                "  h1 <- h0: traffic at 2026-12-05T10:00:31Z",
                "",
                "HOST"));
        // json passes the rollout through as the server sent it
        Cli json = run("status", "seed", "-o", "json");
        assertThat(EventJson.tree(json.out().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(EventJson.tree(status.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void statusWaitsThroughTheWavesUntilTheRolloutIsDone() {
        answer("GET /api/v1/groups/seed/status", new Reply(200, statusWith(rollout("RUNNING", 1, ""), "APPLIED", "PENDING")),
                new Reply(200, statusWith(rollout("RUNNING", 2, ""), "APPLIED", "PENDING")),
                new Reply(200, statusWith(rollout("DONE", 2, ""), "APPLIED", "APPLIED")));
        Cli cli = run("status", "seed", "--wait", "--timeout", "30s");
        assertThat(cli.exitCode()).isZero();
        assertThat(cli.err().lines()).containsExactly("seed rev 4: 1/2 applied, 0 failed, rollout RUNNING at wave 1 of 2",
                "seed rev 4: 1/2 applied, 0 failed, rollout RUNNING at wave 2 of 2");
        assertThat(cli.out()).startsWith("seed rev 4: 2/2 applied, 0 failed, converged" + System.lineSeparator()
                + "rollout of revision 4: DONE, wave 2 of 2" + System.lineSeparator());
    }

    @Test
    void statusWaitEndsWithExitOneWhenTheRolloutPaused() {
        answer("GET /api/v1/groups/seed/status", new Reply(200, statusWith(rollout("PAUSED", 2,
                ",\"reason\":\"the gate of wave 2 did not pass within 60 s\""), "APPLIED", "APPLIED")));
        Cli cli = run("status", "seed", "--wait", "--timeout", "30s");
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.out()).contains("rollout of revision 4: PAUSED, wave 2 of 2" + System.lineSeparator()
                + "reason: the gate of wave 2 did not pass within 60 s");
        assertThat(cli.err().lines()).containsExactly(
                "rollout of revision 4 of seed paused at wave 2 of 2: the gate of wave 2 did not pass within 60 s",
                "  resume it (wgmesh rollout resume seed) or roll it back (wgmesh rollout rollback seed)");
    }

    @Test
    void statusWaitEndsWithExitOneWhenTheRolledBackGroupConverged() {
        // revision 4 is the rollback of revision 3's rollout: the wait goes on until it is applied
        String rolledBack = "{\"revision\":3,\"state\":\"ROLLED_BACK\",\"wave\":1,\"waves\":2,\"waveHosts\":[[\"h0\"],[\"h1\"]],"
                + "\"reason\":\"h0 reported FAILED\"}";
        answer("GET /api/v1/groups/seed/status", new Reply(200, statusWith(rolledBack, "APPLIED", "PENDING")),
                new Reply(200, statusWith(rolledBack, "APPLIED", "APPLIED")));
        Cli cli = run("status", "seed", "--wait", "--timeout", "30s");
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err().lines()).containsExactly("seed rev 4: 1/2 applied, 0 failed",
                "rollout of revision 3 of seed rolled back: h0 reported FAILED; revision 4 returned every host to the"
                        + " configs before it");
        assertThat(cli.out()).startsWith("seed rev 4: 2/2 applied, 0 failed, converged");
    }

    @Test
    void rolloutResumeAndRollbackCallTheirEndpointsAndSayWhatHappens() {
        answer("POST /api/v1/groups/seed/rollout/resume", new Reply(202, rollout("RUNNING", 2,
                ",\"gateDeadline\":\"2026-12-05T10:02:00Z\",\"evidence\":[]")));
        answer("POST /api/v1/groups/seed/rollout/rollback", new Reply(202, "{\"name\":\"seed\",\"revision\":5}"));

        Cli resumed = run("rollout", "resume", "seed");
        assertThat(resumed.exitCode()).isZero();
        assertThat(resumed.out().strip()).isEqualTo("rollout of revision 4 of seed resumed: RUNNING, wave 2 of 2"
                + " (gate until 10:02:00Z); follow it with: wgmesh status seed --wait");
        Cli rolledBack = run("rollout", "rollback", "seed");
        assertThat(rolledBack.exitCode()).isZero();
        assertThat(rolledBack.out().strip())
                .isEqualTo("rollout of seed rolled back at revision 5; follow it with: wgmesh status seed --wait");
        assertThat(seen).extracting(Seen::method, Seen::path).containsExactly(
                tuple("POST", "/api/v1/groups/seed/rollout/resume"), tuple("POST", "/api/v1/groups/seed/rollout/rollback"));
    }

    @Test
    void rolloutRefusedPrintsTheServersProblem() {
        answer("POST /api/v1/groups/seed/rollout/resume", new Reply(409, """
                {"title":"Rollout not paused","status":409,"errors":[{"field":"rollout","value":"\\"RUNNING\\"",
                 "message":"the rollout of revision 4 is running, not paused; it goes on by itself"}]}"""));
        answer("POST /api/v1/groups/seed/rollout/rollback", new Reply(409, """
                {"title":"No rollout in progress","status":409,"errors":[{"field":"rollout",
                 "message":"group \\"seed\\" has no rollout in waves running or paused"}]}"""));

        Cli resume = run("rollout", "resume", "seed");
        assertThat(resume.exitCode()).isEqualTo(1);
        assertThat(resume.err().lines()).containsExactly("refused: 409 Rollout not paused",
                "  rollout: the rollout of revision 4 is running, not paused; it goes on by itself (given: \"RUNNING\")");
        assertThat(resume.out()).isEmpty();
        Cli rollback = run("rollout", "rollback", "seed");
        assertThat(rollback.exitCode()).isEqualTo(1);
        assertThat(rollback.err().lines()).containsExactly("refused: 409 No rollout in progress",
                "  rollout: group \"seed\" has no rollout in waves running or paused");
    }

    @Test
    void applySendsIfMatchWithTheFilesRevisionOrTheCurrentOneAndNoneToCreate() throws IOException {
        Path saved = Files.writeString(dir.resolve("seed.yaml"), "name: seed\nrevision: 3\nhosts: []\n");
        Path plain = Files.writeString(dir.resolve("seed.json"), "{\"hosts\": []}");
        answer("PUT /api/v1/groups/seed", new Reply(200, "{\"name\":\"seed\",\"revision\":8}"));
        answer("GET /api/v1/groups/seed", new Reply(200, "{\"name\":\"seed\",\"revision\":7}"));
        answer("PUT /api/v1/groups/other", new Reply(201, "{\"name\":\"other\",\"revision\":1}"));
        answer("GET /api/v1/groups/other", new Reply(404, problem("group", "no group \\\"other\\\"")));

        Cli fromFile = run("apply", "-f", saved.toString());
        assertThat(fromFile.exitCode()).isZero();
        assertThat(fromFile.out()).contains("group seed replaced at revision 8");
        Cli current = run("apply", "-f", plain.toString());
        Cli created = run("apply", "-f", saved.toString(), "--group", "other");
        assertThat(created.out()).contains("group other created at revision 1");
        assertThat(seen).containsExactly(
                new Seen("PUT", "/api/v1/groups/seed", "\"3\"", "application/yaml"),
                new Seen("GET", "/api/v1/groups/seed", null, null),
                new Seen("PUT", "/api/v1/groups/seed", "\"7\"", "application/json"),
                new Seen("GET", "/api/v1/groups/other", null, null),
                new Seen("PUT", "/api/v1/groups/other", null, "application/yaml"));
        assertThat(current.exitCode()).isZero();
    }

    @Test
    void aStaleFileIsRefusedWithWhatToDo() throws IOException {
        Path saved = Files.writeString(dir.resolve("seed.yaml"), "name: seed\nrevision: 3\nhosts: []\n");
        answer("PUT /api/v1/groups/seed", new Reply(412, """
                {"title":"Precondition failed","status":412,"errors":[{"field":"If-Match","value":"\\"3\\"",
                 "message":"group \\"seed\\" is at revision 5; read it again and retry"}]}"""));
        Cli cli = run("apply", "-f", saved.toString());
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err().lines()).containsExactly("refused: 412 Precondition failed",
                "  If-Match: group \"seed\" is at revision 5; read it again and retry (given: \"3\")",
                "  seed changed after revision 3, the one " + saved + " was read at: get it again (wgmesh get group seed -o yaml),"
                        + " or remove \"revision\" from the file to replace what is there");
    }

    @Test
    void callsTheServerDoesNotKnowYetSaySo() throws IOException {
        Path file = Files.writeString(dir.resolve("seed.json"), "{\"hosts\": []}");
        Cli plan = run("plan", "-f", file.toString());
        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.err().strip()).isEqualTo("this server has no plan endpoint (404 for POST /api/v1/groups/seed/plan):"
                + " it is older than this wgmesh command");
        assertThat(run("health", "seed").err()).contains("this server has no health endpoint (404 for GET /api/v1/groups/seed/health)");
        assertThat(run("reapply", "seed", "h1").err())
                .contains("this server has no reapply endpoint (404 for POST /api/v1/groups/seed/hosts/h1/reapply)");
        // a 404 about the group is the group's: told as the server's problem
        answer("GET /api/v1/groups/seed/health", new Reply(404, problem("group", "no group \\\"seed\\\"")));
        assertThat(run("health", "seed").err().lines()).containsExactly("refused: 404 Not Found", "  group: no group \"seed\"");
    }

    @Test
    void rotateAndRevokeCallTheirEndpointsAndSayWhatHappens() {
        answer("POST /api/v1/groups/seed/rotate-keys", new Reply(202, "{\"name\":\"seed\",\"revision\":5}"));
        answer("POST /api/v1/groups/seed/hosts/h1/rotate-keys", new Reply(202, "{\"name\":\"seed\",\"revision\":6}"));
        answer("POST /api/v1/groups/seed/rotate-preshared-keys", new Reply(202, "{\"name\":\"seed\",\"revision\":7}"));
        answer("POST /api/v1/groups/seed/hosts/h2/revoke", new Reply(202, "{\"name\":\"seed\",\"revision\":8}"));

        assertThat(run("rotate", "seed").out()).startsWith("keys of every host of seed rotate at revision 5;");
        assertThat(run("rotate", "seed", "--host", "h1").out()).startsWith("keys of h1 in seed rotate at revision 6;");
        assertThat(run("rotate", "seed", "--preshared-keys").out()).startsWith("preshared keys of seed rotate at revision 7;");
        Cli revoked = run("revoke", "seed", "h2");
        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).startsWith("h2 revoked from seed at revision 8; follow it with: wgmesh status seed --wait");
        assertThat(seen).extracting(Seen::path).containsExactly("/api/v1/groups/seed/rotate-keys",
                "/api/v1/groups/seed/hosts/h1/rotate-keys", "/api/v1/groups/seed/rotate-preshared-keys",
                "/api/v1/groups/seed/hosts/h2/revoke");

        // one host's keys or the preshared keys, not both
        assertThat(run("rotate", "seed", "--host", "h1", "--preshared-keys").exitCode()).isEqualTo(2);
        assertThat(run("revoke", "seed", "h3").err())
                .contains("this server has no revoke endpoint (404 for POST /api/v1/groups/seed/hosts/h3/revoke)");
    }

    @Test
    void nothingListeningNamesTheAddressAndNoStackTrace() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Cli cli = Cli.run("get", "groups", "--url", "http://127.0.0.1:" + port);
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err().strip()).isEqualTo("cannot connect to http://127.0.0.1:" + port
                + ": wgmesh may not be running (start it with ./wgmesh up), or it listens elsewhere (--url, WGMESH_URL)");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : List.of(new String[] {"help", "status"}, new String[] {"status", "--help"},
                new String[] {"get", "group", "-h"})) {
            Cli help = Cli.run(args);
            assertThat(help.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).startsWith("Usage: wgmesh ").contains("--url=URL");
        }
    }

    @Test
    void wrongUsageExitsTwo() {
        assertThat(Cli.run("get", "groups", "-o", "xml").exitCode()).isEqualTo(2);
        assertThat(Cli.run("status").exitCode()).isEqualTo(2);
        assertThat(Cli.run("frobnicate").exitCode()).isEqualTo(2);
        Cli badUrl = Cli.run("get", "groups", "--url", "localhost:8080");
        assertThat(badUrl.exitCode()).isEqualTo(2);
        assertThat(badUrl.err()).contains("\"localhost:8080\" is not an http(s) URL");
    }
}
