package io.imgtrust.cli;

import com.google.common.collect.ImmutableMap;
import java.util.function.Supplier;

/**
 * A command that only groups subcommands ({@code cache}, {@code hook}, {@code bench}). Its subcommands are not in its
 * {@code @Command} annotation: {@link Main} registers only the one the arguments name (or all of them for help and
 * usage errors), because picocli builds each registered command's model by reflection at every start.
 */
public interface CommandGroup {
  /** Each subcommand's name and how to make it, in help order. */
  ImmutableMap<String, Supplier<Object>> subcommands();
}
