package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code delete G}. */
@Command(name = "delete", description = "Deletes a group; the deployers remove its files from the hosts.")
public class DeleteCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Override
    int run(Api api) {
        api.delete(groups(group)).orFail();
        out().println("group " + group + " deleted; the deployers remove its files");
        out().flush();
        return Failure.OK;
    }
}
