package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Medians and goals of one benchmark, printed as a table or as JSON. Every goal has one shape ({@code what, value,
 * unit, goal_at_most, met, status}); a benchmark that did not run has {@code not_run} (why) and its goals with
 * {@code value} and {@code met} null and status {@code "not measured"}.
 */
final class BenchReport {
  /** The status of a goal whose benchmark did not run. */
  static final String NOT_MEASURED = "not measured";

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

  private BenchReport(ObjectNode json, List<String> text) {
    this.timings = new Timings();
    this.json = json;
    this.text.addAll(text);
  }

  /** A report made of others' parts ({@code bench all}). */
  static BenchReport of(ObjectNode json, List<String> text) {
    return new BenchReport(json, text);
  }

  /** The report of benchmark {@code name} that did not run, and why: its {@code goals} are not measured. */
  static BenchReport notRun(String name, String why, List<Goal> goals) {
    ObjectNode json = io.imgtrust.cli.Output.ok().put("benchmark", name).put("not_run", why);
    ArrayNode rows = json.putArray("goals");
    if (goals.isEmpty()) {
      notMeasured(rows, "every goal of bench " + name, "", null, why);
    }
    for (Goal g : goals) {
      notMeasured(rows, g.what(), g.unit(), g.atMost(), why);
    }
    return new BenchReport(json, List.of("bench " + name + ": not run: " + why));
  }

  private static void notMeasured(ArrayNode rows, String what, String unit, Double goal, String why) {
    ObjectNode g = rows.addObject().put("what", what).putNull("value").put("unit", unit).put("goal_at_most", goal);
    g.putNull("met");
    g.put("status", NOT_MEASURED).put("not_run", why);
  }

  /** Adds every goal of {@code goals}, measured. */
  BenchReport goals(List<Goal> goals) {
    goals.forEach(g -> g.addTo(this));
    return this;
  }

  /** Adds {@code median(a) / median(b)} with its goal (at most {@code goal}). */
  BenchReport ratio(String a, String b, double goal) {
    double r = timings.median(a) / timings.median(b);
    boolean met = r <= goal;
    json.withArray("ratios").addObject().put("numerator", a).put("denominator", b).put("ratio", round(r))
        .put("goal_at_most", goal).put("met", met);
    text.add(String.format(Locale.ROOT, "    %-70s %5.2fx  (goal <= %.2fx: %s)", a + " / " + b, r, goal,
        met ? "met" : "MISSED"));
    goal(a + " / " + b, r, "x", goal);
    return this;
  }

  /** Adds {@code median(a) - median(b)} in seconds with its goal (at most {@code goalSeconds}). */
  BenchReport difference(String a, String b, double goalSeconds) {
    return atMost(a + " - " + b, timings.median(a) - timings.median(b), "s", goalSeconds);
  }

  /** Adds a measured {@code value} (in {@code unit}) that must be at most {@code goal}, e.g. a peak RSS. */
  BenchReport atMost(String what, double value, String unit, double goal) {
    text.add(String.format(Locale.ROOT, "    %-70s %7.3f %s (goal <= %.3f %s: %s)", what, value, unit, goal, unit,
        value <= goal ? "met" : "MISSED"));
    goal(what, value, unit, goal);
    return this;
  }

  /** Adds a goal this run could not measure, and why (e.g. its service does not answer). */
  BenchReport notMeasured(String what, String unit, double goal, String why) {
    text.add(String.format(Locale.ROOT, "    %-70s %s: %s", what, NOT_MEASURED, why));
    notMeasured(json.withArray("goals"), what, unit, goal, why);
    return this;
  }

  /** Every goal of this report, in one shape for {@code bench all}. */
  private void goal(String what, double value, String unit, double goal) {
    json.withArray("goals").addObject().put("what", what).put("value", round(value)).put("unit", unit)
        .put("goal_at_most", goal).put("met", value <= goal).put("status", value <= goal ? "met" : "not met");
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
