package io.imgtrust.cli.command;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.cli.Root;
import java.util.function.Supplier;

/** The operator's commands of {@code imgtrust} (verify, sign, cache, spawn, hook), for the command line to register. */
public final class Commands {
  private Commands() {}

  /** Each command's name and how to make it (picocli reflects over each one it is given), in help order. */
  public static ImmutableMap<String, Supplier<Object>> all() {
    return ImmutableMap.of("verify", VerifyCommand::new, "sign", SignCommand::new, "cache", CacheCommand::new,
        "spawn", SpawnCommand::new, "hook", HookCommand::new);
  }

  /**
   * {@code hook qemu DOMAIN OPERATION SUBOP [EXTRA]} (EXTRA is not used) with the options of {@code root}, run without
   * picocli (see {@code HookDirect}); returns the exit status, failures are thrown as from the command.
   */
  public static int hookQemu(Root root, String domain, String operation, String subop)
      throws Exception {
    return HookQemuCommand.run(root, domain, operation, subop);
  }
}
