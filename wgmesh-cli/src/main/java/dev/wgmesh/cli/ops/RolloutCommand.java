package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code rollout resume G} and {@code rollout rollback G}: an operator's answer to a rollout in waves that stopped. */
@Command(name = "rollout", description = "Resumes a paused rollout in waves, or rolls it back.",
        subcommands = {RolloutCommand.Resume.class, RolloutCommand.Rollback.class})
public class RolloutCommand {

    @Command(name = "resume", description = "A paused rollout in waves goes on with its next wave.")
    static class Resume extends ApiCommand {

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Override
        int run(Api api) {
            String path = groups(group, "rollout", "resume");
            JsonNode answer = known(api.post(path), "rollout", "POST", path).orFail();
            StatusCommand.Rollout rollout = StatusCommand.Rollout.of(answer);
            print(answer, () -> "rollout of revision " + rollout.revision() + " of " + group + " resumed: "
                    + rollout.progress() + followWith(group));
            return Failure.OK;
        }
    }

    @Command(name = "rollback", description = "Every host of a running or paused rollout in waves returns to the"
            + " configs and keys before it, by a new revision.")
    static class Rollback extends ApiCommand {

        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Override
        int run(Api api) {
            String path = groups(group, "rollout", "rollback");
            JsonNode answer = known(api.post(path), "rollout", "POST", path).orFail();
            print(answer, () -> "rollout of " + group + " rolled back at revision " + text(answer, "revision")
                    + followWith(group));
            return Failure.OK;
        }
    }
}
