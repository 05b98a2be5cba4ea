package io.imgtrust.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs several {@code imgtrust} command lines in one JVM, one after the other, so that the launcher can list every
 * class they load ({@code -XX:DumpLoadedClassList}) and dump one static class-data archive from that list. The
 * command lines are separated by {@code --next}; their exit statuses are ignored. Not for operators.
 */
public final class Training {
  private Training() {}

  public static void main(String[] args) {
    // Every warm-up step once, so that the classes they load are archived whichever command a process runs.
    StartUp.warm("hook"); // the warm-up thread's own classes
    StartUp.runAll(List.of(StartUp.Step.values()));
    // The hook's direct path, as far as a command line that is no hook's goes (a real check would read stdin).
    HookDirect.run(new String[0]);
    for (String[] line : split(args)) {
      HelpCache.lookup(line); // as Main does first (it answers only when the launcher asks it to)
      if (Main.commandName(line) != null) {
        Logging.configure(line);
      }
      Main.run(line);
    }
  }

  /** {@code args} split at each {@code --next}. */
  static List<String[]> split(String[] args) {
    List<String[]> lines = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= args.length; i++) {
      if (i == args.length || args[i].equals("--next")) {
        lines.add(Arrays.copyOfRange(args, from, i));
        from = i + 1;
      }
    }
    return lines;
  }
}
