package dev.wgmesh.cli.ops;

import java.util.StringJoiner;
import tools.jackson.databind.JsonNode;

/** The server's problem document (application/problem+json with {@code errors}: field, value, message) as lines. */
final class Problems {

    private Problems() {
    }

    /**
     * The first line says what was refused and why ({@code 400 Bad Request: 2 problems}); then one line per
     * problem: {@code  hosts[1].endpoint: <message> (given: "<value>")}.
     *
     * @param problem the body as JSON, null when it had none or was not JSON
     */
    static String render(int status, JsonNode problem) {
        String title = problem == null ? "" : problem.path("title").asString("");
        StringJoiner lines = new StringJoiner(System.lineSeparator());
        JsonNode errors = problem == null ? null : problem.path("errors");
        int count = errors == null || !errors.isArray() ? 0 : errors.size();
        String head = "refused: " + status + (title.isBlank() ? "" : " " + title);
        if (count == 0) {
            String detail = problem == null ? "" : problem.path("detail").asString("");
            lines.add(head + (detail.isBlank() ? " (the answer had no problem document)" : ": " + detail));
        } else {
            lines.add(head + (count == 1 ? "" : ": " + count + " problems"));
            for (JsonNode error : errors) {
                JsonNode value = error.path("value");
                lines.add("  " + error.path("field").asString("$") + ": " + error.path("message").asString("")
                        + (value.isMissingNode() || value.isNull() ? "" : " (given: " + value.asString() + ")"));
            }
        }
        if (status == 401) {
            lines.add("  the API token: --token, WGMESH_TOKEN, or run beside ./wgmesh up (wgmesh-data/api-token)");
        }
        return lines.toString();
    }
}
