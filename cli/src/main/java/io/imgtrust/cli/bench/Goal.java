package io.imgtrust.cli.bench;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One goal of a benchmark, known before it runs: the median of step {@code a} divided by (a ratio, "x") or minus (a
 * difference, seconds) the median of step {@code b}, at most {@code atMost}. A benchmark that cannot run still lists
 * its goals, as not measured.
 */
final class Goal {
  private final String a;
  private final String b;
  private final boolean ratio;
  private final double atMost;

  private Goal(String a, String b, boolean ratio, double atMost) {
    checkArgument(!a.equals(b), "a goal compares two steps: %s", a);
    this.a = a;
    this.b = b;
    this.ratio = ratio;
    this.atMost = atMost;
  }

  /** {@code median(a) / median(b)} at most {@code atMost}. */
  static Goal ratio(String a, String b, double atMost) {
    return new Goal(a, b, true, atMost);
  }

  /** {@code median(a) - median(b)} at most {@code atMostSeconds}. */
  static Goal difference(String a, String b, double atMostSeconds) {
    return new Goal(a, b, false, atMostSeconds);
  }

  /** What is compared, as the report names it: {@code "a / b"} or {@code "a - b"}. */
  String what() {
    return a + (ratio ? " / " : " - ") + b;
  }

  /** {@code "x"} for a ratio, {@code "s"} for a difference. */
  String unit() {
    return ratio ? "x" : "s";
  }

  double atMost() {
    return atMost;
  }

  /** Adds this goal, measured, to {@code r} (whose timings have both steps). */
  BenchReport addTo(BenchReport r) {
    return ratio ? r.ratio(a, b, atMost) : r.difference(a, b, atMost);
  }
}
