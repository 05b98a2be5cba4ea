package io.imgtrust.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgtrust.cli.Output;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BenchReport} goals and the one table of {@code bench all} ({@link BenchAllCommand#table}). */
class BenchReportTest {
  private static final double SLOW = 0.02;

  /** Two steps timed once: "slow" sleeps 20 ms, "fast" does nothing. */
  private static Timings timings() throws Exception {
    Timings t = new Timings().add("slow", () -> Thread.sleep((long) (SLOW * 1000))).add("fast", () -> { });
    t.run(1);
    return t;
  }

  @Test
  void ratio_difference_atMost_eachAGoalMetOrNot() throws Exception {
    BenchReport r = new BenchReport("t", timings(), Output.ok())
        .ratio("fast", "slow", 1.0)
        .difference("slow", "fast", 0.001)
        .atMost("peak RSS", 310, "MiB", 300)
        .atMost("peak RSS small", 120, "MiB", 300);

    List<JsonNode> goals = com.google.common.collect.ImmutableList.copyOf(r.json().withArray("goals"));
    assertThat(goals).extracting(g -> g.get("what").asText()).containsExactly("fast / slow", "slow - fast",
        "peak RSS", "peak RSS small");
    assertThat(goals).extracting(g -> g.get("met").asBoolean()).containsExactly(true, false, false, true);
    assertThat(goals.get(1).get("value").asDouble()).isGreaterThanOrEqualTo(SLOW - 0.001);
    assertThat(goals.get(2).get("unit").asText()).isEqualTo("MiB");
    assertThat(r.text()).anyMatch(l -> l.contains("peak RSS") && l.contains("310.000 MiB") && l.contains("MISSED"));
  }

  @Test
  void table_goalsOfSeveralBenchmarks_oneRowEachAndTheCountMet() throws Exception {
    BenchReport r = new BenchReport("t", timings(), Output.ok()).ratio("fast", "slow", 1.0)
        .atMost("peak RSS", 310, "MiB", 300);
    var goals = r.json().withArray("goals").deepCopy();
    goals.forEach(g -> ((com.fasterxml.jackson.databind.node.ObjectNode) g).put("benchmark", "x"));

    List<String> table = BenchAllCommand.table(goals);

    assertThat(table).hasSize(4);
    assertThat(table.get(1)).startsWith("x").contains("fast / slow").endsWith("met");
    assertThat(table.get(2)).contains("peak RSS").contains("310.000 MiB").endsWith("NOT MET");
    assertThat(table.get(3)).isEqualTo("1 of 2 goals met");
  }

  @Test
  void notRun_goalsKnownBefore_listedNotMeasuredWithWhy() {
    BenchReport r = BenchReport.notRun("rbd", "no Ceph", List.of(Goal.ratio("a", "b", 1.0),
        Goal.difference("c", "d", 0.2)));

    assertThat(r.json().get("not_run").asText()).isEqualTo("no Ceph");
    List<JsonNode> goals = com.google.common.collect.ImmutableList.copyOf(r.json().withArray("goals"));
    assertThat(goals).extracting(g -> g.get("what").asText()).containsExactly("a / b", "c - d");
    assertThat(goals).extracting(g -> g.get("unit").asText()).containsExactly("x", "s");
    assertThat(goals).allSatisfy(g -> assertThat(g.get("met").isNull() && g.get("value").isNull()).isTrue());
    assertThat(goals).extracting(g -> g.get("status").asText()).containsOnly("not measured");
    assertThat(r.text()).containsExactly("bench rbd: not run: no Ceph");
  }

  @Test
  void notMeasured_inAMeasuredReport_rowWithWhyBesideTheMeasuredOnes() throws Exception {
    BenchReport r = new BenchReport("t", timings(), Output.ok()).atMost("peak RSS: spawn flat", 120, "MiB", 300)
        .notMeasured("peak RSS: spawn lvm", "MiB", 300, "no --volume-group given");

    List<JsonNode> goals = com.google.common.collect.ImmutableList.copyOf(r.json().withArray("goals"));
    assertThat(goals).extracting(g -> g.get("status").asText()).containsExactly("met", "not measured");
    assertThat(goals.get(1).get("value").isNull()).isTrue();
    assertThat(goals.get(1).get("not_run").asText()).isEqualTo("no --volume-group given");
    assertThat(goals.get(1).get("goal_at_most").asDouble()).isEqualTo(300);
    assertThat(r.text()).anyMatch(l -> l.contains("peak RSS: spawn lvm") && l.contains("not measured: no --volume"));
  }

  @Test
  void notRun_goalsUnknown_oneRowForTheWholeBenchmark() {
    BenchReport r = BenchReport.notRun("verify", "failed: x", List.of());

    assertThat(r.json().withArray("goals")).singleElement().satisfies(g -> {
      assertThat(g.get("what").asText()).isEqualTo("every goal of bench verify");
      assertThat(g.get("status").asText()).isEqualTo("not measured");
    });
  }

  @Test
  void table_measuredAndNotRun_notRunRowSaysWhyAndIsNotCountedMet() throws Exception {
    var goals = new BenchReport("t", timings(), Output.ok()).ratio("fast", "slow", 1.0).json().withArray("goals")
        .deepCopy();
    goals.addAll(BenchReport.notRun("rbd", "no Ceph", List.of(Goal.ratio("a", "b", 1.0))).json().withArray("goals"));
    goals.forEach(g -> ((com.fasterxml.jackson.databind.node.ObjectNode) g).put("benchmark", "x"));

    List<String> table = BenchAllCommand.table(goals);

    assertThat(table.get(1)).endsWith("met");
    assertThat(table.get(2)).contains("a / b").doesNotContain("NOT MET").endsWith("not measured: not run: no Ceph");
    assertThat(table.get(3)).isEqualTo("1 of 2 goals met, 1 not measured");
  }
}
