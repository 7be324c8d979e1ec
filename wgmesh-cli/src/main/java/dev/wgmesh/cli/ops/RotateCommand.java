package dev.wgmesh.cli.ops;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code rotate G [--host H | --preshared-keys]}: new keys for every host, one host, or new preshared keys. */
@Command(name = "rotate", description = "Rotates the keys of every host of a group, of one host, or the group's preshared keys.")
public class RotateCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @ArgGroup(exclusive = true)
    Only only;

    static class Only {
        @Option(names = "--host", paramLabel = "HOST", description = "only this host's key (and its preshared keys)")
        String host;

        @Option(names = "--preshared-keys", description = "only the preshared keys: every tunnel keeps its session")
        boolean presharedKeys;
    }

    @Override
    int run(Api api) {
        String host = only == null ? null : only.host;
        boolean presharedKeys = only != null && only.presharedKeys;
        String path = presharedKeys ? groups(group, "rotate-preshared-keys")
                : host == null ? groups(group, "rotate-keys") : groups(group, "hosts", host, "rotate-keys");
        Api.Answer call = presharedKeys ? known(api.post(path), "preshared key rotation", "POST", path) : api.post(path);
        JsonNode answer = call.orFail();
        String what = presharedKeys ? "preshared keys of " + group
                : host == null ? "keys of every host of " + group : "keys of " + host + " in " + group;
        print(answer, () -> what + " rotate at revision " + text(answer, "revision") + followWith(group));
        return Failure.OK;
    }
}
