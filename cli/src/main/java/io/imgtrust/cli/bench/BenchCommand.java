package io.imgtrust.cli.bench;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.cli.CommandGroup;
import java.util.function.Supplier;
import picocli.CommandLine.Command;

/** {@code imgtrust bench}: side-by-side timings against the tools a user would otherwise use. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Side-by-side timings against the tools a user would otherwise use (medians; this machine is "
        + "noisy, so every round runs every command once).")
public final class BenchCommand implements java.util.concurrent.Callable<Integer>, CommandGroup {
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

  @Override
  public ImmutableMap<String, Supplier<Object>> subcommands() {
    return ImmutableMap.<String, Supplier<Object>>builder()
        .put("verify", BenchVerifyCommand::new)
        .put("cache", BenchCacheCommand::new)
        .put("import", BenchImportCommand::new)
        .put("fetch", BenchFetchCommand::new)
        .put("boot", BenchBootCommand::new)
        .put("startup", BenchStartupCommand::new)
        .put("memory", BenchMemoryCommand::new)
        .put("rbd", BenchRbdCommand::new)
        .put("lvm", BenchLvmCommand::new)
        .put("all", BenchAllCommand::new)
        .buildOrThrow();
  }
}
