package io.imgtrust.cli;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times external commands side by side: every round runs each command once (the order rotates between rounds), so
 * noise on this machine hits all of them alike. Reports medians. Commands run through {@link ProcessBuilder} with
 * argument lists; their output is discarded and a non-zero exit fails the benchmark.
 */
final class Timings {
  private final Map<String, List<List<String>>> commands = new LinkedHashMap<>();
  private final Map<String, List<Double>> seconds = new LinkedHashMap<>();

  /** Adds a command under a short name. */
  Timings add(String name, List<String> argv) {
    return addSequence(name, List.of(argv));
  }

  /** Adds commands run one after the other and timed together (what an operator would script). */
  Timings addSequence(String name, List<List<String>> argvs) {
    commands.put(name, ImmutableList.copyOf(argvs));
    seconds.put(name, new ArrayList<>());
    return this;
  }

  /** One untimed warm-up round (page cache, CDS archive), then {@code rounds} timed rounds. */
  void run(int rounds) throws ImageTrustException {
    List<String> names = new ArrayList<>(commands.keySet());
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

  private double time(String name) throws ImageTrustException {
    long t0 = System.nanoTime();
    for (List<String> argv : commands.get(name)) {
      run(name, argv);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void run(String name, List<String> argv) throws ImageTrustException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      int code = pb.start().waitFor();
      if (code != 0) {
        throw ImageTrustException.of(Reason.INTERNAL, "bench command '" + name + "' exited " + code + ": "
            + String.join(" ", argv));
      }
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot run " + argv.get(0) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.INTERNAL, "interrupted", e);
    }
  }

  /** Median seconds of {@code name}. */
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
    return commands.keySet();
  }
}
