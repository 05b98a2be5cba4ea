package io.imgtrust.cli.bench;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.CommandResult;
import io.imgtrust.core.io.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times steps side by side: every round runs each step once (the order rotates between rounds), so noise on this
 * machine hits all of them alike. Reports medians. A step is an external command (run through the core's
 * {@link CommandRunner} with an argument list, output discarded, a non-zero exit fails the benchmark) or work inside
 * this JVM; each may have untimed preparation (e.g. removing the previous target and {@code sync}).
 */
final class Timings {
  /** No benchmarked command may run longer than this. */
  private static final Duration LIMIT = Duration.ofMinutes(30);

  /** One timed thing. */
  interface Step {
    /** Untimed preparation before each run. */
    default void before() throws Exception {}

    /** The timed work. */
    void run() throws Exception;

    /** Untimed clean-up after each run (e.g. stop what it started, so it does not load the machine). */
    default void after() throws Exception {}
  }

  private final Map<String, Step> steps = new LinkedHashMap<>();
  private final Map<String, List<Double>> seconds = new LinkedHashMap<>();

  Timings add(String name, Step step) {
    steps.put(name, step);
    seconds.put(name, new ArrayList<>());
    return this;
  }

  /** Adds an external command. */
  Timings add(String name, List<String> argv) {
    return add(name, commands(null, List.of(argv)));
  }

  /** Adds commands run one after the other and timed together (what an operator would script). */
  Timings addSequence(String name, List<List<String>> argvs) {
    return add(name, commands(null, argvs));
  }

  /** A step running {@code argvs} in order, after {@code before} (untimed, may be null). */
  static Step commands(Step before, List<List<String>> argvs) {
    return new Step() {
      @Override
      public void before() throws Exception {
        if (before != null) {
          before.run();
        }
      }

      @Override
      public void run() throws Exception {
        for (List<String> argv : argvs) {
          exec(argv);
        }
      }
    };
  }

  /** One untimed warm-up round (page cache, CDS archive, JIT), then {@code rounds} timed rounds. */
  void run(int rounds) throws Exception {
    List<String> names = new ArrayList<>(steps.keySet());
    for (String n : names) {
      time(n);
    }
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < names.size(); i++) {
        String n = names.get((i + r) % names.size());
        seconds.get(n).add(time(n));
      }
    }
  }

  private double time(String name) throws Exception {
    Step s = steps.get(name);
    s.before();
    long t0 = System.nanoTime();
    s.run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    s.after();
    return seconds;
  }

  /** Runs a command to completion through the core's runner, output discarded; a non-zero exit is an error. */
  static void exec(List<String> argv) throws ImageTrustException {
    check(argv, CommandRunner.system().run(argv, LIMIT));
  }

  private static void check(List<String> argv, CommandResult r) throws ImageTrustException {
    if (r.timedOut() || r.exitCode() != 0) {
      throw ImageTrustException.of(Reason.INTERNAL, "bench command " + (r.timedOut() ? "timed out" : "exited "
          + r.exitCode()) + ": " + String.join(" ", argv) + (r.stderr().isEmpty() ? "" : ": " + r.stderr()));
    }
  }

  /** Runs a command to completion, output discarded, whatever its exit status (e.g. destroy of a stopped domain). */
  static void tryExec(List<String> argv) throws ImageTrustException {
    CommandRunner.system().run(argv, LIMIT);
  }

  /** Runs a command with {@code stdin} (a file) as its standard input, like {@link #exec} otherwise. */
  static void execWithInput(List<String> argv, Path stdin) throws ImageTrustException {
    check(argv, CommandRunner.system(stdin).run(argv, LIMIT));
  }

  double median(String name) {
    return median(seconds.get(name));
  }

  static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(null);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  List<Double> samples(String name) {
    return ImmutableList.copyOf(seconds.get(name));
  }

  Iterable<String> names() {
    return steps.keySet();
  }
}
