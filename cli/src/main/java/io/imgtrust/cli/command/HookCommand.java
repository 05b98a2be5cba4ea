package io.imgtrust.cli.command;

import io.imgtrust.cli.Root;
import picocli.CommandLine.Command;

/** {@code imgtrust hook}: the libvirt qemu hook, and its installation. */
@Command(name = "hook", mixinStandardHelpOptions = true,
    description = "The libvirt qemu hook that checks qcow2 backing chains before every domain start, and its "
        + "installer.",
    subcommands = {HookQemuCommand.class, HookInstallCommand.class})
final class HookCommand implements java.util.concurrent.Callable<Integer> {
  @picocli.CommandLine.ParentCommand Root root;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing hook command: one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
