package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code plan -f FILE [--group G]}: what applying the file would change; publishes nothing. */
@Command(name = "plan", description = "Shows what applying a group file would change (hosts, links, keys); changes nothing.")
public class PlanCommand extends ApiCommand {

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the group, JSON or YAML; - reads stdin")
    String file;

    @Option(names = "--group", paramLabel = "GROUP", description = "the group (default: the file's \"name\", else its file name)")
    String group;

    @Override
    int run(Api api) {
        GroupFile groupFile = GroupFile.read(file, System.in);
        String path = groups(groupFile.group(group), "plan");
        JsonNode plan = known(api.send("POST", path, groupFile.bytes(), groupFile.contentType(), null), "plan", "POST", path)
                .orFail();
        // the plan's fields are the server's to grow: shown as YAML, which reads well as it is
        print(plan, () -> Output.write(Output.yaml, plan));
        return Failure.OK;
    }
}
