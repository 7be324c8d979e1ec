package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code rotate G [--host H]}: new keys for one host or for every host of the group. */
@Command(name = "rotate", description = "Rotates the keys of every host of a group, or of one host.")
public class RotateCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Option(names = "--host", paramLabel = "HOST", description = "only this host's key (and its preshared keys)")
    String host;

    @Override
    int run(Api api) {
        String path = host == null ? groups(group, "rotate-keys") : groups(group, "hosts", host, "rotate-keys");
        JsonNode answer = api.post(path).orFail();
        print(answer, () -> (host == null ? "keys of every host of " + group : "keys of " + host + " in " + group)
                + " rotate at revision " + text(answer, "revision") + "; follow it with: wgmesh status " + group + " --wait");
        return Failure.OK;
    }
}
