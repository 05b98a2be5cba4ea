package io.imgtrust.cli.command;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.cli.CommandGroup;
import java.util.function.Supplier;
import io.imgtrust.cli.Root;
import picocli.CommandLine.Command;

/** {@code imgtrust cache}: the verified image cache. */
@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "The verified image cache (<instances_path>/_base): fill it, list it, recheck it, see what was "
        + "quarantined.")
final class CacheCommand implements java.util.concurrent.Callable<Integer>, CommandGroup {
  @picocli.CommandLine.ParentCommand Root root;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing cache command: one of " + String.join(", ", spec.subcommands().keySet()));
  }

  @Override
  public ImmutableMap<String, Supplier<Object>> subcommands() {
    return ImmutableMap.<String, Supplier<Object>>builder()
        .put("add", CacheAddCommand::new)
        .put("fetch", CacheFetchCommand::new)
        .put("list", CacheListCommand::new)
        .put("verify", CacheVerifyCommand::new)
        .put("scrub", CacheScrubCommand::new)
        .put("quarantine", CacheQuarantineCommand::new)
        .put("base-list", CacheBaseListCommand::new)
        .put("base-remove", CacheBaseRemoveCommand::new)
        .buildOrThrow();
  }
}
