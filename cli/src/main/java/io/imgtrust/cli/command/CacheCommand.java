package io.imgtrust.cli.command;

import io.imgtrust.cli.Root;
import picocli.CommandLine.Command;

/** {@code imgtrust cache}: the verified image cache. */
@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "The verified image cache (<instances_path>/_base): fill it, list it, recheck it, see what was "
        + "quarantined.",
    subcommands = {CacheAddCommand.class, CacheFetchCommand.class, CacheListCommand.class, CacheVerifyCommand.class,
        CacheScrubCommand.class, CacheQuarantineCommand.class, CacheBaseListCommand.class,
        CacheBaseRemoveCommand.class})
final class CacheCommand implements java.util.concurrent.Callable<Integer> {
  @picocli.CommandLine.ParentCommand Root root;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing cache command: one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
