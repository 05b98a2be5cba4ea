package io.imgtrust.cli.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** One benchmark command: its options, its run in a work directory, and its report printed. */
abstract class BenchPart implements Callable<Integer> {
  @ParentCommand BenchCommand bench;
  @picocli.CommandLine.Mixin BenchOptions opts;

  @Override
  public Integer call() throws Exception {
    return bench.print(opts.inWorkDir(this::measure));
  }

  /** Runs the benchmark in work directory {@code d}. */
  abstract BenchReport measure(Path d) throws Exception;
}
