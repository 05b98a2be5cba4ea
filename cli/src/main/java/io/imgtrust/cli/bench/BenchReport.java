package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Medians and goal ratios of one benchmark, printed as a table or as JSON. */
final class BenchReport {
  private final Timings timings;
  private final ObjectNode json;
  private final List<String> text = new ArrayList<>();

  BenchReport(String title, Timings timings, ObjectNode header) {
    this.timings = timings;
    this.json = header;
    text.add(title);
    text.add(String.format(Locale.ROOT, "  %-56s %9s   %s", "command", "median s", "samples s"));
    ObjectNode medians = json.putObject("median_seconds");
    for (String n : timings.names()) {
      medians.put(n, round(timings.median(n)));
      StringBuilder samples = new StringBuilder();
      timings.samples(n).forEach(s -> samples.append(String.format(Locale.ROOT, "%.3f ", s)));
      text.add(String.format(Locale.ROOT, "  %-56s %9.3f   %s", n, timings.median(n), samples.toString().trim()));
    }
    json.putArray("ratios");
    text.add("  ratios of medians (goal):");
  }

  /** Adds {@code median(a) / median(b)} with its goal (at most {@code goal}). */
  BenchReport ratio(String a, String b, double goal) {
    double r = timings.median(a) / timings.median(b);
    boolean met = r <= goal;
    json.withArray("ratios").addObject().put("numerator", a).put("denominator", b).put("ratio", round(r))
        .put("goal_at_most", goal).put("met", met);
    text.add(String.format(Locale.ROOT, "    %-70s %5.2fx  (goal <= %.2fx: %s)", a + " / " + b, r, goal,
        met ? "met" : "MISSED"));
    return this;
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }

  ObjectNode json() {
    return json;
  }

  List<String> text() {
    return text;
  }
}
