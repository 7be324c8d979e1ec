package dev.wgmesh.cli.ops;

import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code status G [--wait] [--timeout D]}: how far the group's latest revision has reached its hosts. Exits 0
 * when converged (without {@code --wait}: when no host FAILED), 1 when a host FAILED, 2 when the wait timed out.
 */
@Command(name = "status", description = "Shows per host the desired and applied revision; --wait waits until converged.")
public class StatusCommand extends ApiCommand {

    private static final Duration POLL = Duration.ofSeconds(1);

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Option(names = "--wait", description = "wait until every host runs the latest revision (exit 0), a host FAILED (1) or the timeout (2)")
    boolean wait;

    @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "how long --wait waits: 90s, 5m, 1h (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    int run(Api api) {
        Instant deadline = Instant.now().plus(timeout);
        String lastProgress = null;
        while (true) {
            JsonNode status = api.get(groups(group, "status")).orFail();
            Summary summary = Summary.of(status);
            boolean done = !wait || summary.converged() || summary.failed() > 0;
            if (done || Instant.now().isAfter(deadline)) {
                print(status, () -> summary.line() + System.lineSeparator() + System.lineSeparator() + table(status));
                if (summary.failed() > 0) {
                    return Failure.FAILED;
                }
                if (wait && !summary.converged()) {
                    err().println(group + " did not converge within " + timeout.toString().substring(2).toLowerCase());
                    err().flush();
                    return Failure.TIMEOUT;
                }
                return Failure.OK;
            }
            if (!summary.line().equals(lastProgress)) {
                // on stderr, so that -o json on stdout stays one document
                err().println(summary.line());
                err().flush();
                lastProgress = summary.line();
            }
            sleep();
        }
    }

    /** The status's own line: {@code seed rev 4: 5/6 applied, 0 failed}, and {@code , converged} when it is. */
    record Summary(String group, long revision, int hosts, int applied, int failed, boolean converged) {

        static Summary of(JsonNode status) {
            int applied = 0;
            int failed = 0;
            for (JsonNode host : status.path("hosts")) {
                switch (host.path("state").asString("")) {
                    case "APPLIED" -> applied++;
                    case "FAILED" -> failed++;
                    default -> { }
                }
            }
            return new Summary(status.path("name").asString(""), status.path("revision").asLong(), status.path("hosts").size(),
                    applied, failed, status.path("converged").asBoolean(false));
        }

        String line() {
            return group + " rev " + revision + ": " + applied + "/" + hosts + " applied, " + failed + " failed"
                    + (converged ? ", converged" : "");
        }
    }

    private static String table(JsonNode status) {
        Table table = new Table("HOST", "STATE", "DESIRED", "APPLIED", "REPLICA", "KEY AGE", "NEXT ROTATION", "REASON");
        for (JsonNode host : status.path("hosts")) {
            table.row(text(host, "host"), text(host, "state"), text(host, "desiredRevision"), text(host, "appliedRevision"),
                    text(host, "replica"), age(host.path("keyAgeSeconds")), text(host, "nextKeyRotationAt"),
                    text(host, "reason"));
        }
        return table.toString();
    }

    /** {@code 182d 4h}, {@code 3h 12m}, {@code 45s}: the two largest units, as people read key ages. */
    static String age(JsonNode seconds) {
        if (!seconds.isNumber()) {
            return null;
        }
        Duration age = Duration.ofSeconds(seconds.asLong());
        if (age.toDays() > 0) {
            return age.toDays() + "d " + age.toHoursPart() + "h";
        }
        if (age.toHours() > 0) {
            return age.toHours() + "h " + age.toMinutesPart() + "m";
        }
        return age.toMinutes() > 0 ? age.toMinutes() + "m " + age.toSecondsPart() + "s" : age.toSeconds() + "s";
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.FAILED, "interrupted");
        }
    }
}
