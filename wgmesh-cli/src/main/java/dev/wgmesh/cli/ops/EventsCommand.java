package dev.wgmesh.cli.ops;

import dev.wgmesh.common.events.EventJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code events [--group G] [--host H] [--since D] [--follow]}: the live feed ({@code /api/v1/events}), one line
 * per record, starting with the records of the last {@code D} when given. Without {@code --follow} the command
 * prints what arrives until the feed has been quiet for {@link #QUIET}.
 */
@Command(name = "events", description = "Prints the records on the wgmesh topics as they happen, one line each.")
public class EventsCommand extends ApiCommand {

    static final Duration QUIET = Duration.ofSeconds(2);
    /** The value's fields that say what a record is about, in this order. */
    private static final List<String> SUMMARY_FIELDS = List.of("action", "outcome", "drift", "cause", "reason");

    @Option(names = "--group", paramLabel = "GROUP", description = "only this group's records")
    String group;

    @Option(names = "--host", paramLabel = "HOST", description = "only this host's records")
    String host;

    @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "start with the records of this time before now, such as 10m or 2h (at most a day)")
    Duration since;

    @Option(names = {"-f", "--follow"}, description = "keep printing until Ctrl-C (default: stop once the feed is quiet for 2 s)")
    boolean follow;

    @Override
    int run(Api api) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        Optional.ofNullable(group).ifPresent(value -> query.add("group=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        Optional.ofNullable(host).ifPresent(value -> query.add("host=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        Optional.ofNullable(since).ifPresent(value -> query.add("since=" + value));
        InputStream stream = api.stream("/api/v1/events" + query);
        err().println(follow ? "following the live feed of " + api.url() + " (Ctrl-C stops)"
                : "the live feed of " + api.url() + " until it is quiet for " + QUIET.toSeconds() + " s (--follow keeps it)");
        err().flush();
        BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> read(stream, lines), "wgmesh-events");
        reader.setDaemon(true);
        reader.start();
        StringBuilder data = new StringBuilder();
        // quiet means no record: the feed's heartbeat comments do not count
        long quietAt = System.nanoTime() + QUIET.toNanos();
        try {
            while (true) {
                Optional<String> line = follow ? lines.take()
                        : lines.poll(Math.max(0, quietAt - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    return Failure.OK;
                }
                if (line.isEmpty()) {
                    if (follow) {
                        throw new Failure(Failure.FAILED, "the live feed of " + api.url() + " ended: wgmesh stopped?");
                    }
                    return Failure.OK;
                }
                // server-sent events: data lines up to a blank line make one record; comments (":") keep it open
                if (line.get().startsWith("data:")) {
                    data.append(line.get().substring(5).stripLeading());
                } else if (line.get().isEmpty() && !data.isEmpty()) {
                    out().println(format(output, EventJson.tree(data.toString().getBytes(StandardCharsets.UTF_8))));
                    out().flush();
                    data.setLength(0);
                    quietAt = System.nanoTime() + QUIET.toNanos();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Failure.FAILED;
        } finally {
            // the stream, not a reader over it: a reader's close waits for the lock its blocked readLine holds
            try {
                stream.close();
            } catch (IOException e) {
                // closing a stream that broke: nothing left to do
            }
        }
    }

    /** Each line read, then an empty Optional at the end of the stream. */
    private static void read(InputStream body, BlockingQueue<Optional<String>> lines) {
        BufferedReader stream = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        try {
            for (String line = stream.readLine(); line != null; line = stream.readLine()) {
                lines.add(Optional.of(line));
            }
        } catch (IOException e) {
            // closed by the command, or the connection broke: either way the end
        }
        lines.add(Optional.empty());
    }

    /**
     * One record on one line: {@code -o json} the feed's JSON as it came, {@code -o yaml} a YAML document, the
     * table {@code <timestamp> <topic> <key> rev=<revision> <action/outcome/drift/cause/reason>}.
     */
    static String format(Output output, JsonNode record) {
        return switch (output) {
            case json -> record.toString();
            case yaml -> "---" + System.lineSeparator() + Output.write(Output.yaml, record);
            case table -> {
                JsonNode value = record.path("value");
                StringJoiner line = new StringJoiner(" ");
                line.add(record.path("timestamp").asString("")).add(record.path("topic").asString("").replaceFirst("^wgmesh\\.", ""))
                        .add(record.path("key").asString("-"));
                if ((value.isNull() || value.isMissingNode()) && !record.has("note")) {
                    line.add("(tombstone)");
                }
                if (value.path("revision").canConvertToLong()) {
                    line.add("rev=" + value.path("revision").asLong());
                }
                for (String field : SUMMARY_FIELDS) {
                    if (value.path(field).isValueNode() && !value.path(field).isNull()) {
                        line.add(field + "=" + value.path(field).asString());
                    }
                }
                if (record.has("note")) {
                    line.add("(" + record.path("note").asString() + ")");
                }
                yield line.toString();
            }
        };
    }
}
