package io.imgtrust.cli.bench;

import io.imgtrust.core.ImageTrustException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/**
 * One benchmark command: its options, the services it needs, the goals it reports, its run in a work directory, and
 * its report printed. {@code bench all} runs every part and lists the goals of one that cannot run as not measured.
 */
abstract class BenchPart implements Callable<Integer> {
  @ParentCommand BenchCommand bench;
  @picocli.CommandLine.Mixin BenchOptions opts;

  @Override
  public Integer call() throws Exception {
    requireServices();
    return bench.print(opts.inWorkDir(this::measure));
  }

  /**
   * Checks, quickly and before any work, that what this benchmark needs beyond this machine is given and answers.
   *
   * @throws ImageTrustException saying what is missing and how to get it (the "why" of a part {@code bench all}
   *     could not run)
   */
  void requireServices() throws ImageTrustException {}

  /** The goals this benchmark reports, known before it runs; empty when they depend on the run. */
  List<Goal> goals() {
    return List.of();
  }

  /** Runs the benchmark in work directory {@code d}. */
  abstract BenchReport measure(Path d) throws Exception;
}
