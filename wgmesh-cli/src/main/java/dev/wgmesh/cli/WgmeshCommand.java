package dev.wgmesh.cli;

import dev.wgmesh.cli.bench.BenchCommand;
import dev.wgmesh.cli.up.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code wgmesh} command (SPEC "The wgmesh command"): its subcommands do the work. */
@Command(name = "wgmesh", mixinStandardHelpOptions = true,
        description = "Runs wgmesh and operates it.",
        subcommands = {UpCommand.class, BenchCommand.class})
public class WgmeshCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new WgmeshCommand()).execute(args));
    }
}
