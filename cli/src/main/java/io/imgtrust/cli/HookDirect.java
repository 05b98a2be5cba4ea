package io.imgtrust.cli;

import io.imgtrust.cli.command.Commands;
import io.imgtrust.cli.command.HookScript;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The libvirt hook's own command line, exactly as the script {@code imgtrust hook install} writes it: {@code
 * [--config /ABSOLUTE/FILE] hook qemu -- DOMAIN OPERATION SUBOP [EXTRA]}, run without building picocli's model, which
 * is about 0.08 s of a hook run that every domain start waits for. Any other command line (other options, a relative
 * or missing config value, which picocli may refuse as a usage error) is left to picocli. On the lines it takes, both
 * run the same check and give the same exit status and reason line.
 */
final class HookDirect {
  private HookDirect() {}

  /** Runs {@code args} when they are the hook's own command line and returns its exit status; otherwise empty. */
  static OptionalInt run(String[] args) {
    int at = args.length >= 2 && args[0].equals("--config") && args[1].startsWith("/") ? 2 : 0;
    int n = HookScript.COMMAND.size();
    int params = args.length - at - n;
    if (params < 3 || params > 4 || !Arrays.asList(args).subList(at, at + n).equals(HookScript.COMMAND)) {
      return OptionalInt.empty();
    }
    Root root = new Root();
    if (at == 2) {
      root.config = Path.of(args[1]);
    }
    try {
      return OptionalInt.of(Commands.hookQemu(root, args[at + n], args[at + n + 1], args[at + n + 2]));
    } catch (Exception e) {
      return OptionalInt.of(Failures.fail(e, new Output(false)));
    }
  }
}
