package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code reapply G H}: the host's deployer applies its current configs again (after a FAILED, say). */
@Command(name = "reapply", description = "Has a host's deployer apply its current configs again.")
public class ReapplyCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Parameters(index = "1", paramLabel = "HOST")
    String host;

    @Override
    int run(Api api) {
        String path = groups(group, "hosts", host, "reapply");
        Api.Answer answer = known(api.post(path), "reapply", "POST", path);
        answer.orFail();
        out().println(host + " in " + group + ": reapply requested" + followWith(group));
        out().flush();
        return Failure.OK;
    }
}
