package io.imgtrust.cli;

import io.imgtrust.cli.bench.BenchCommand;
import io.imgtrust.cli.command.Commands;
import io.imgtrust.cli.demo.DemoCommand;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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
    java.util.Optional<byte[]> help = HelpCache.lookup(args);
    if (help.isPresent()) {
      System.out.write(help.get(), 0, help.get().length);
      System.out.flush();
      System.exit(0);
    }
    String command = commandName(args);
    StartUp.warm(command);
    if (command != null) {
      // Help and usage errors log nothing: they skip starting the logging framework.
      Logging.configure(args);
    }
    OptionalInt hook = HookDirect.run(args);
    System.exit(hook.isPresent() ? hook.getAsInt() : run(args));
  }

  /**
   * The top-level commands, in help order. Made on demand: picocli reflects over each one it is given. A holder, so
   * that a help request answered from {@link HelpCache} loads none of them.
   */
  static final class Registry {
    static final Map<String, Supplier<Object>> COMMANDS = commands();

    private Registry() {}

    private static Map<String, Supplier<Object>> commands() {
      Map<String, Supplier<Object>> m = new LinkedHashMap<>();
      m.putAll(Commands.all());
      m.put("demo", DemoCommand::new);
      m.put("bench", BenchCommand::new);
      return m;
    }
  }

  /** Runs the command line and returns the exit status (for tests). */
  public static int run(String... args) {
    return commandLine(args).execute(args);
  }

  /** The command line for {@code args}: the root with only the (sub)commands they name, ready to execute them. */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Root());
    int at = commandIndex(args);
    CommandLine named = register(cl, Registry.COMMANDS, args, at);
    if (named != null && named.getCommand() instanceof CommandGroup) {
      register(named, ((CommandGroup) named.getCommand()).subcommands(), args, commandIndex(args, at + 1));
    }
    // No @file expansion: libvirt hands the hook a domain name, which may start with '@'.
    cl.setExpandAtFiles(false);
    cl.setExecutionExceptionHandler(new Failures());
    cl.setParameterExceptionHandler(new Failures());
    cl.setExitCodeExceptionMapper(t -> 1);
    return cl;
  }

  /**
   * Registers on {@code parent} only the command of {@code commands} named by {@code args[at]}, and returns it; or,
   * when there is no such name ({@code at} is -1, or names no command), a {@link Listing} of each, so that help and
   * error messages list them all, and returns null. Picocli reflects over every command it is given: registering one,
   * or listings, saves start-up.
   */
  private static CommandLine register(
      CommandLine parent, Map<String, Supplier<Object>> commands, String[] args, int at) {
    String name = at < 0 ? null : args[at];
    if (name != null && commands.containsKey(name)) {
      parent.addSubcommand(name, commands.get(name).get());
      return parent.getSubcommands().get(name);
    }
    commands.forEach((n, make) -> parent.addSubcommand(n, Listing.of(make.get())));
    return null;
  }

  /**
   * The top-level command the arguments name, or null (no command, an unknown one, or a request for help), in which
   * case every command is registered so that help and error messages list them all.
   */
  static String commandName(String[] args) {
    int at = commandIndex(args);
    return at >= 0 && Registry.COMMANDS.containsKey(args[at]) ? args[at] : null;
  }

  /** The arguments before the first {@code --}: after it, everything is a value (the hook's domain name, ...). */
  static List<String> beforeEndOfOptions(String[] args) {
    List<String> all = Arrays.asList(args);
    int end = all.indexOf("--");
    return end < 0 ? all : all.subList(0, end);
  }

  /** Where the first command name is in {@code args}: the first argument that is no option; -1 if help comes first. */
  static int commandIndex(String[] args) {
    return commandIndex(args, 0);
  }

  /** The index of the first argument from {@code from} on that is no option (skipping {@code --config}'s value). */
  private static int commandIndex(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config")) {
        i++;
      } else if (a.equals("-h") || a.equals("--help")) {
        return -1;
      } else if (!a.startsWith("-")) {
        return i;
      }
    }
    return -1;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"imgtrust " + (v == null ? "(development build)" : v)};
    }
  }
}
