package dev.wgmesh.cli;

import dev.wgmesh.cli.bench.BenchCommand;
import dev.wgmesh.cli.ops.ApplyCommand;
import dev.wgmesh.cli.ops.DeleteCommand;
import dev.wgmesh.cli.ops.EventsCommand;
import dev.wgmesh.cli.ops.GetCommand;
import dev.wgmesh.cli.ops.HealthCommand;
import dev.wgmesh.cli.ops.PlanCommand;
import dev.wgmesh.cli.ops.ReapplyCommand;
import dev.wgmesh.cli.ops.RevokeCommand;
import dev.wgmesh.cli.ops.RolloutCommand;
import dev.wgmesh.cli.ops.RotateCommand;
import dev.wgmesh.cli.ops.StatusCommand;
import dev.wgmesh.cli.up.UpCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ScopeType;

/** The {@code wgmesh} command (SPEC "The wgmesh command"): its subcommands do the work. */
@Command(name = "wgmesh", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        description = "Runs wgmesh and operates it.",
        subcommands = {UpCommand.class, BenchCommand.class, GetCommand.class, ApplyCommand.class, PlanCommand.class, DeleteCommand.class, RotateCommand.class, RevokeCommand.class,
                RolloutCommand.class, ReapplyCommand.class, StatusCommand.class, HealthCommand.class, EventsCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done; the group converged (status) or is healthy (health)",
                "1:refused or failed: the server's problems, a FAILED host, a paused or rolled back rollout (status --wait),"
                        + " an unhealthy group, wgmesh not reachable",
                "2:wrong usage, or status --wait timed out"})
public class WgmeshCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new WgmeshCommand()).execute(args));
    }

    /** Runs one command line with its output to these writers, as main does to stdout and stderr (for tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new WgmeshCommand()).setOut(out).setErr(err).execute(args);
    }
}
