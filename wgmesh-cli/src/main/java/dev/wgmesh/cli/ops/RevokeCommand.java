package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code revoke G H}: the host leaves the group at once; its key is never used again (declared anew, it gets a new pair). */
@Command(name = "revoke", description = "Revokes a host: it leaves the group and its key is never used again.")
public class RevokeCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Parameters(index = "1", paramLabel = "HOST")
    String host;

    @Override
    int run(Api api) {
        String path = groups(group, "hosts", host, "revoke");
        JsonNode answer = known(api.post(path), "revoke", "POST", path).orFail();
        print(answer, () -> host + " revoked from " + group + " at revision " + text(answer, "revision") + followWith(group));
        return Failure.OK;
    }
}
