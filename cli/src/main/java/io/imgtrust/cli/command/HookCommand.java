package io.imgtrust.cli.command;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.cli.CommandGroup;
import java.util.function.Supplier;
import io.imgtrust.cli.Root;
import picocli.CommandLine.Command;

/** {@code imgtrust hook}: the libvirt qemu hook, and its installation. */
@Command(name = "hook", mixinStandardHelpOptions = true,
    description = "The libvirt qemu hook that checks qcow2 backing chains before every domain start, and its "
        + "installer.")
final class HookCommand implements java.util.concurrent.Callable<Integer>, CommandGroup {
  @picocli.CommandLine.ParentCommand Root root;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing hook command: one of " + String.join(", ", spec.subcommands().keySet()));
  }

  @Override
  public ImmutableMap<String, Supplier<Object>> subcommands() {
    return ImmutableMap.<String, Supplier<Object>>builder()
        .put("qemu", HookQemuCommand::new)
        .put("install", HookInstallCommand::new)
        .buildOrThrow();
  }
}
