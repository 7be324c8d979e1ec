package dev.wgmesh.cli.ops;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * What every command against a running wgmesh shares: where it is ({@link Target}), the output format, and
 * that a {@link Failure} ends the command with its message and exit code, never a stack trace.
 */
abstract class ApiCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "table (the default), json or yaml")
    Output output;

    @Option(names = "--url", paramLabel = "URL",
            description = "the API (default: WGMESH_URL, else wgmesh-data/url of ./wgmesh up, else " + Target.DEFAULT_URL + ")")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "the API token (default: WGMESH_TOKEN, else wgmesh-data/api-token of ./wgmesh up)")
    String token;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try {
            return run(new Api(Target.resolve(url, token, System.getenv(), Target.dataDir())));
        } catch (Failure failure) {
            err().println(failure.getMessage());
            err().flush();
            return failure.exitCode();
        } catch (RuntimeException e) {
            // a bug or an answer no wgmesh gives: one line for the operator, not a stack trace
            err().println("failed: " + e);
            err().flush();
            return Failure.FAILED;
        }
    }

    /** @return the exit code */
    abstract int run(Api api);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The answer as JSON or YAML, or as the command's table. */
    void print(JsonNode answer, Supplier<String> table) {
        out().println(output == Output.table ? table.get() : Output.write(output, answer));
        out().flush();
    }

    /** {@code /api/v1/groups/<segment>/...}, each segment encoded. */
    static String groups(String... segments) {
        StringBuilder path = new StringBuilder("/api/v1/groups");
        for (String segment : segments) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    /** Refuses an answer that says the server has no such call yet, naming it. */
    static Api.Answer known(Api.Answer answer, String what, String method, String path) {
        if (answer.noSuchEndpoint()) {
            throw new Failure(Failure.FAILED, "this server has no " + what + " endpoint (404 for " + method + " " + path
                    + "): it is older than this wgmesh command");
        }
        return answer;
    }

    /** The end of a line that says a change was accepted: how to watch it roll out. */
    static String followWith(String group) {
        return "; follow it with: wgmesh status " + group + " --wait";
    }

    /** A field as text for a table cell; null (shown as "-") when missing. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asString();
    }
}
