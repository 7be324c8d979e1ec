package dev.wgmesh.cli.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code status G [--wait] [--timeout D]}: how far the group's latest revision has reached its hosts, and its
 * rollout in waves if it has one. Exits 0 when converged (without {@code --wait}: when no host FAILED), 1 when a
 * host FAILED or (with {@code --wait}) the rollout paused or was rolled back, 2 when the wait timed out.
 */
@Command(name = "status", description = "Shows per host the desired and applied revision; --wait waits until converged.")
public class StatusCommand extends ApiCommand {

    private static final Duration POLL = Duration.ofSeconds(1);

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Option(names = "--wait", description = "wait until every host runs the latest revision (exit 0), a host FAILED"
            + " or the rollout in waves paused or was rolled back (1), or the timeout (2)")
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
            String stopped = wait ? summary.stopped() : null;
            boolean done = !wait || summary.converged() || summary.failed() > 0 || stopped != null;
            if (done || Instant.now().isAfter(deadline)) {
                print(status, () -> summary.line() + System.lineSeparator() + rolloutLines(summary.rollout())
                        + System.lineSeparator() + table(status));
                if (stopped != null) {
                    err().println(stopped);
                    err().flush();
                }
                if (summary.failed() > 0 || stopped != null) {
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

    /**
     * The status's own line: {@code seed rev 4: 5/6 applied, 0 failed}, then {@code , rollout RUNNING at wave 2 of 4}
     * while a rollout in waves runs or is paused, and {@code , converged} when it is.
     *
     * @param rollout the status's rollout in waves, null: none
     */
    record Summary(String group, long revision, int hosts, int applied, int failed, boolean converged, Rollout rollout) {

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
                    applied, failed, status.path("converged").asBoolean(false), Rollout.of(status.path("rollout")));
        }

        String line() {
            return group + " rev " + revision + ": " + applied + "/" + hosts + " applied, " + failed + " failed"
                    + (rollout != null && rollout.active() ? ", rollout " + rollout.state() + " at wave " + rollout.wave()
                    + " of " + rollout.waves() : "")
                    + (converged ? ", converged" : "");
        }

        /**
         * Why waiting longer is of no use, null when it may be: a paused rollout waits for an operator, and a
         * group that converged after its rollout was rolled back will not reach the rollout's revision.
         */
        String stopped() {
            if (rollout == null) {
                return null;
            }
            if (rollout.state().equals("PAUSED")) {
                return "rollout of revision " + rollout.revision() + " of " + group + " paused at wave " + rollout.wave()
                        + " of " + rollout.waves() + because() + System.lineSeparator()
                        + "  resume it (wgmesh rollout resume " + group + ") or roll it back (wgmesh rollout rollback "
                        + group + ")";
            }
            if (rollout.state().equals("ROLLED_BACK") && converged) {
                return "rollout of revision " + rollout.revision() + " of " + group + " rolled back" + because()
                        + "; revision " + revision + " returned every host to the configs before it";
            }
            return null;
        }

        private String because() {
            return rollout.reason() == null ? "" : ": " + rollout.reason();
        }
    }

    /**
     * A rollout in waves as the status shows it.
     *
     * @param gateDeadline when the current wave's gate fails, null unless RUNNING
     * @param reason       why it stopped, null while it did not
     */
    record Rollout(long revision, String state, int wave, int waves, Instant gateDeadline, String reason,
                   List<String> evidence) {

        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

        /** @return null when the status has no rollout */
        static Rollout of(JsonNode rollout) {
            if (!rollout.isObject()) {
                return null;
            }
            String deadline = text(rollout, "gateDeadline");
            return new Rollout(rollout.path("revision").asLong(), rollout.path("state").asString(""),
                    rollout.path("wave").asInt(), rollout.path("waves").asInt(),
                    deadline == null ? null : Instant.parse(deadline), text(rollout, "reason"),
                    rollout.path("evidence").valueStream().map(JsonNode::asString).toList());
        }

        boolean active() {
            return state.equals("RUNNING") || state.equals("PAUSED");
        }

        /**
         * {@code RUNNING, wave 2 of 4 (gate until 10:01:00Z)}: the time of day alone, as a gate lasts an hour at
         * most.
         */
        String progress() {
            return state + ", wave " + wave + " of " + waves
                    + (gateDeadline == null ? "" : " (gate until " + TIME.format(gateDeadline) + ")");
        }
    }

    /** The rollout's line, its reason and evidence, each line ending in a line separator; empty when none. */
    private static String rolloutLines(Rollout rollout) {
        if (rollout == null) {
            return "";
        }
        StringBuilder lines = new StringBuilder("rollout of revision " + rollout.revision() + ": " + rollout.progress())
                .append(System.lineSeparator());
        if (rollout.reason() != null) {
            lines.append("reason: ").append(rollout.reason()).append(System.lineSeparator());
        }
        for (String evidence : rollout.evidence()) {
            lines.append("  ").append(evidence).append(System.lineSeparator());
        }
        return lines.toString();
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
