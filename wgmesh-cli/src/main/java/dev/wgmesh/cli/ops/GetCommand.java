package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code get groups} and {@code get group G}. */
@Command(name = "get", description = "Shows the groups, or one group as declared.",
        subcommands = {GetCommand.Groups.class, GetCommand.Group.class})
public class GetCommand {

    @Command(name = "groups", description = "Lists the groups: name, revision, topology, host count.")
    static class Groups extends ApiCommand {

        @Override
        int run(Api api) {
            JsonNode groups = api.get(groups()).orFail();
            print(groups, () -> {
                if (groups.isEmpty()) {
                    return "no groups yet; create one with: wgmesh apply -f FILE";
                }
                Table table = new Table("NAME", "REVISION", "TOPOLOGY", "HOSTS", "CHANGED-BY");
                for (JsonNode group : groups) {
                    table.row(text(group, "name"), text(group, "revision"), text(group, "topology"),
                            text(group, "hostCount"), text(group, "changedBy"));
                }
                return table.toString();
            });
            return Failure.OK;
        }
    }

    @Command(name = "group", description = "Shows one group as declared, with its revision; -o yaml gives a file for apply.")
    static class Group extends ApiCommand {

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Override
        int run(Api api) {
            JsonNode view = api.get(groups(group)).orFail();
            print(view, () -> {
                Table settings = new Table("GROUP", "REVISION", "TOPOLOGY", "TUNNEL-NETWORK", "MTU", "KEEPALIVE",
                        "PRESHARED-KEYS", "CHANGED-BY")
                        .row(text(view, "name"), text(view, "revision"), text(view, "topology"), text(view, "tunnelNetwork"),
                                text(view, "mtu"), text(view, "persistentKeepalive"), text(view, "presharedKeys"),
                                text(view, "changedBy"));
                Table hosts = new Table("HOST", "ENDPOINT", "TUNNEL-SEGMENT", "INTERNAL-NETWORKS", "SUFFIX", "OS");
                for (JsonNode host : view.path("hosts")) {
                    hosts.row(text(host, "name"), text(host, "endpoint"), text(host, "tunnelSegment"),
                            String.join(",", host.path("internalNetworks").valueStream().map(JsonNode::asString).toList()),
                            text(host, "interfaceSuffix"), text(host, "os"));
                }
                return settings + System.lineSeparator() + System.lineSeparator() + hosts;
            });
            return Failure.OK;
        }
    }
}
