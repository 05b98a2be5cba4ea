package io.imgtrust.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command as help and usage errors list it: its name comes from where it is registered, its description from its
 * {@code @Command} annotation, and nothing else is read. Building a command's full model (every option, by reflection)
 * costs start-up time that a help listing does not need. A listing is never executed: a command line that names a
 * command registers the command itself.
 */
final class Listing {
  private Listing() {}

  /** The listing of {@code command}, an object whose class carries {@code @Command}. */
  static CommandSpec of(Object command) {
    Command c = command.getClass().getAnnotation(Command.class);
    if (c == null) {
      throw new IllegalArgumentException(command.getClass() + " has no @Command annotation");
    }
    CommandSpec spec = CommandSpec.create();
    spec.usageMessage().description(c.description()).hidden(c.hidden());
    return spec;
  }
}
