package io.imgtrust.cli.command;

import com.google.common.collect.ImmutableMap;
import java.util.function.Supplier;

/** The operator's commands of {@code imgtrust} (verify, sign, cache, spawn, hook), for the command line to register. */
public final class Commands {
  private Commands() {}

  /** Each command's name and how to make it (picocli reflects over each one it is given), in help order. */
  public static ImmutableMap<String, Supplier<Object>> all() {
    return ImmutableMap.of("verify", VerifyCommand::new, "sign", SignCommand::new, "cache", CacheCommand::new,
        "spawn", SpawnCommand::new, "hook", HookCommand::new);
  }
}
