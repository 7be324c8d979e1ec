package dev.wgmesh.cli.ops;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code apply -f FILE [--group G]}: creates or replaces a group. A replace always carries {@code If-Match}, so it
 * never overwrites a change it has not seen: the file's own {@code revision} when it has one for this group (it
 * was saved by {@code get group}, edited, and is applied back: someone else's change since is a 412, not lost),
 * else the revision the group has just before the PUT (nothing slips in between). A group that does not exist
 * yet is created without one.
 */
@Command(name = "apply", description = "Creates or replaces a group from a JSON or YAML file (If-Match on replace).")
public class ApplyCommand extends ApiCommand {

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the group, JSON or YAML; - reads stdin")
    String file;

    @Option(names = "--group", paramLabel = "GROUP", description = "the group to write (default: the file's \"name\", else its file name)")
    String group;

    @Override
    int run(Api api) {
        GroupFile groupFile = GroupFile.read(file, System.in);
        String name = groupFile.group(group);
        boolean fileRevision = groupFile.revision() != null && name.equals(groupFile.name());
        Long expected = fileRevision ? groupFile.revision() : currentRevision(api, name);
        Api.Answer answer = api.send("PUT", groups(name), groupFile.bytes(), groupFile.contentType(), expected);
        if (answer.status() == 412) {
            throw new Failure(Failure.FAILED, Problems.render(answer.status(), answer.body()) + System.lineSeparator()
                    + (fileRevision
                    ? "  " + name + " changed after revision " + expected + ", the one " + file + " was read at: get it again"
                    + " (wgmesh get group " + name + " -o yaml), or remove \"revision\" from the file to replace what is there"
                    : "  " + name + " changed while this command applied it: run it again"));
        }
        JsonNode view = answer.orFail();
        print(view, () -> "group " + name + (answer.status() == 201 ? " created" : " replaced") + " at revision "
                + text(view, "revision") + followWith(name));
        return Failure.OK;
    }

    /** @return null when the group does not exist yet */
    private static Long currentRevision(Api api, String name) {
        Api.Answer current = api.get(groups(name));
        if (current.status() == 404 && !current.noSuchEndpoint()) {
            return null;
        }
        return current.orFail().path("revision").asLong();
    }
}
