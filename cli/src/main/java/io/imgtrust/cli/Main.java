package io.imgtrust.cli;

import io.imgtrust.cli.bench.BenchCommand;
import io.imgtrust.cli.command.Commands;
import io.imgtrust.cli.demo.DemoCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Entry point of the {@code imgtrust} command. Exit status: 0 success, 2 usage error or malformed input,
 * 3 verification refused the image, 4 backend or host failure, 1 anything unexpected. With {@code --json} every command prints exactly one
 * JSON object on stdout, also on failure.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (commandName(args) != null) {
      // Help and usage errors log nothing: they skip starting the logging framework.
      Logging.configure(args);
    }
    System.exit(run(args));
  }

  /** The top-level commands, in help order. Made on demand: picocli reflects over each one it is given. */
  private static final Map<String, Supplier<Object>> COMMANDS = commands();

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.putAll(Commands.all());
    m.put("demo", DemoCommand::new);
    m.put("bench", BenchCommand::new);
    return m;
  }

  /** Runs the command line and returns the exit status (for tests). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Root());
    String named = commandName(args);
    if (named != null) {
      cl.addSubcommand(named, COMMANDS.get(named).get());
    } else {
      COMMANDS.forEach((name, make) -> cl.addSubcommand(name, make.get()));
    }
    cl.setExecutionExceptionHandler(new Failures());
    cl.setParameterExceptionHandler(new Failures());
    cl.setExitCodeExceptionMapper(t -> 1);
    return cl.execute(args);
  }

  /**
   * The top-level command the arguments name, or null (no command, an unknown one, or a request for help), in which
   * case every command is registered so that help and error messages list them all. Only the invoked command is
   * registered otherwise, which saves about 0.1 s of start-up.
   */
  static String commandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config")) {
        i++;
      } else if (a.equals("-h") || a.equals("--help")) {
        return null;
      } else if (!a.startsWith("-")) {
        return COMMANDS.containsKey(a) ? a : null;
      }
    }
    return null;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"imgtrust " + (v == null ? "(development build)" : v)};
    }
  }
}
