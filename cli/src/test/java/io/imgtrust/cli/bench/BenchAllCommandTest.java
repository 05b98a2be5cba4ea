package io.imgtrust.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgtrust.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bench all} when services are missing: the fetch, lvm and rbd parts run with a Glance that refuses
 * connections, no volume group and no Ceph configuration, so none of them can run; every other part is left out with
 * {@code --parts}. Nothing is measured, so this needs no service and takes no time.
 */
class BenchAllCommandTest {
  private static final String[] MISSING = {"bench", "all", "--size-mib", "1", "--runs", "1", "--parts",
      "fetch,lvm,rbd", "--glance", "http://127.0.0.1:1", "--ceph-conf", "/nonexistent/ceph.conf"};
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream oldOut;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
  }

  private int run(String... args) {
    out.reset();
    return Main.run(args);
  }

  private JsonNode json() throws Exception {
    int exit = run(cat(new String[] {"--json"}, MISSING));
    assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void all_servicesMissing_everyPartListedNotRunWithWhy() throws Exception {
    JsonNode j = json();

    assertThat(j.get("benchmarks").fieldNames()).toIterable().containsExactly("startup", "verify", "cache",
        "import", "memory", "fetch", "lvm", "rbd", "boot");
    Map<String, String> why = Map.of("fetch", "no Glance answers at http://127.0.0.1:1",
        "lvm", "no --volume-group given", "rbd", "no Ceph configuration at /nonexistent/ceph.conf",
        "startup", "not in --parts", "boot", "not in --parts");
    why.forEach((part, reason) -> assertThat(j.get("benchmarks").get(part).get("not_run").asText()).as(part)
        .startsWith(reason));
  }

  @Test
  void all_servicesMissing_theirGoalsNotMeasuredNeverMet() throws Exception {
    JsonNode goals = json().get("goals");

    assertThat(goals).allSatisfy(g -> {
      assertThat(g.get("status").asText()).isEqualTo("not measured");
      assertThat(g.get("met").isNull()).isTrue();
      assertThat(g.get("value").isNull()).isTrue();
      assertThat(g.get("not_run").asText()).isNotEmpty();
    });
    assertThat(goals).filteredOn(g -> g.get("benchmark").asText().equals("rbd")).extracting(g -> g.get("what")
        .asText()).containsExactly("random: rbd verified import, in JVM / random: rbd import (unchecked)",
            "mostly-zero: rbd verified import, in JVM / mostly-zero: rbd import (unchecked)",
            "clone-mode spawn, base exists, 4 MiB, in JVM / clone-mode spawn, base exists, 1 MiB, in JVM");
    assertThat(goals).filteredOn(g -> g.get("benchmark").asText().equals("lvm")).hasSize(4);
    assertThat(goals).filteredOn(g -> g.get("benchmark").asText().equals("fetch")).hasSize(3);
    assertThat(goals).filteredOn(g -> g.get("benchmark").asText().equals("boot")).extracting(g -> g.get("what")
        .asText()).contains("virsh start, hook (recheck=interval hit) - virsh start, no hook");
  }

  @Test
  void all_table_sameRowsAsJsonEachSayingNotRun() throws Exception {
    JsonNode goals = json().get("goals");
    assertThat(run(MISSING)).isZero();
    List<String> lines = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));

    List<String> rows = lines.subList(lines.size() - goals.size() - 1, lines.size() - 1);
    List<String> expected = new ArrayList<>();
    goals.forEach(g -> expected.add(g.get("benchmark").asText() + " " + g.get("what").asText()));
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).replaceAll(" +", " ")).startsWith(expected.get(i))
          .contains("not measured: not run: " + goals.get(i).get("not_run").asText());
    }
    assertThat(lines.get(lines.size() - 1)).isEqualTo("0 of " + goals.size() + " goals met, " + goals.size()
        + " not measured");
  }

  @Test
  void all_unknownPart_usageError() {
    assertThat(run("bench", "all", "--parts", "verify,nosuch")).isEqualTo(2);
  }

  private static String[] cat(String[] a, String[] b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
