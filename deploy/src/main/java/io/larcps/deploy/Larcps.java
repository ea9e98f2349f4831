package io.larcps.deploy;

import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code larcps} command line. */
@Command(name = "larcps", mixinStandardHelpOptions = true, version = "larcps 0.1.0",
        description = {"Data-parallel training through a parameter server with layer-wise LARC.", ""},
        subcommands = {TrainCommand.class, SweepCommand.class, CoordinatorCommand.class, PsCommand.class, WorkerCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'larcps COMMAND --help' for a command's options."})
public final class Larcps {

    private Larcps() {
    }

    public static void main(String[] args) {
        // Start logging before any library spawns a thread that logs: a call made while another
        // thread initialises SLF4J is queued and replayed with a warning users would take for a fault.
        LoggerFactory.getILoggerFactory();
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 done, 1 failed, 2 bad usage. */
    public static int run(String... args) {
        CommandLine line = new CommandLine(new Larcps());
        line.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("larcps: " + ex.getMessage());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        line.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            if (ex instanceof IllegalArgumentException) {
                failed.getErr().println("larcps: " + ex.getMessage());
                failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
                return 2;
            }
            failed.getErr().println("larcps: " + failed.getCommandSpec().name() + " failed: " + ex.getMessage());
            return 1;
        });
        if (args.length == 0) {
            line.usage(line.getOut());
            return 2;
        }
        return line.execute(args);
    }
}
