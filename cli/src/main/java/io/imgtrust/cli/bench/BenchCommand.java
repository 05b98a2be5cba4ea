package io.imgtrust.cli.bench;

import picocli.CommandLine.Command;

/** {@code imgtrust bench}: side-by-side timings against the tools a user would otherwise use. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Side-by-side timings against the tools a user would otherwise use (medians; this machine is "
        + "noisy, so every round runs every command once).",
    subcommands = {BenchVerifyCommand.class, BenchCacheCommand.class, BenchImportCommand.class,
        BenchFetchCommand.class, BenchBootCommand.class, BenchStartupCommand.class, BenchMemoryCommand.class,
        BenchRbdCommand.class, BenchLvmCommand.class, BenchAllCommand.class})
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Prints {@code r} (a table, or JSON with {@code --json}); returns exit status 0. */
  int print(BenchReport r) {
    ((io.imgtrust.cli.Root) spec.parent().userObject()).output().success(r.json(), r.text());
    return 0;
  }

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing benchmark: one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
