package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code health G}: drift and every tunnel's state as the deployers observed them; exits 1 when not healthy. */
@Command(name = "health", description = "Shows drift per host and the state of every tunnel; exit 1 when not healthy.")
public class HealthCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Override
    int run(Api api) {
        String path = groups(group, "health");
        JsonNode health = known(api.get(path), "health", "GET", path).orFail();
        boolean healthy = health.path("healthy").asBoolean(false);
        print(health, () -> line(health) + System.lineSeparator() + System.lineSeparator() + table(health));
        return healthy ? Failure.OK : Failure.FAILED;
    }

    /** {@code seed: healthy, 30/30 links up}. */
    static String line(JsonNode health) {
        JsonNode links = health.path("links");
        return health.path("group").asString("") + ": " + (health.path("healthy").asBoolean(false) ? "healthy" : "NOT healthy")
                + ", " + links.path("up").asLong() + "/" + links.path("total").asLong() + " links up";
    }

    static String table(JsonNode health) {
        Table table = new Table("HOST", "DRIFT", "OBSERVED", "PEER", "STATE", "HANDSHAKE", "RX", "TX");
        for (JsonNode host : health.path("hosts")) {
            if (host.path("links").isEmpty()) {
                table.row(text(host, "host"), text(host, "drift"), text(host, "observedAt"), null, null, null, null, null);
            }
            for (JsonNode link : host.path("links")) {
                table.row(text(host, "host"), text(host, "drift"), text(host, "observedAt"), text(link, "peer"),
                        text(link, "state"), text(link, "latestHandshake"), text(link, "rxBytes"), text(link, "txBytes"));
            }
        }
        return table.toString();
    }
}
