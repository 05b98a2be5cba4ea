package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imgtrust bench all}: every comparison, one after the other, and one table of every goal. */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = {"Run every benchmark (startup, verify, cache, import, memory; boot with --boot) with the same "
        + "SIZE and rounds, print each one's medians, then one table of every goal with its value and whether it is "
        + "met. Exit status 0 whether goals are met or not; a benchmark that fails stops the run.",
        "--boot needs root and libvirtd and restarts libvirtd (see `imgtrust bench boot --help`)."})
final class BenchAllCommand extends BenchPart {
  @Option(names = "--boot", description = "Also run `bench boot` (root, libvirtd; restarts libvirtd).")
  boolean boot;

  @Override
  BenchReport measure(Path d) throws Exception {
    List<BenchPart> parts = new ArrayList<>(List.of(new BenchStartupCommand(), new BenchVerifyCommand(),
        new BenchCacheCommand(), new BenchImportCommand(), new BenchMemoryCommand()));
    if (boot) {
      parts.add(new BenchBootCommand());
    }
    ObjectNode json = Output.ok().put("benchmark", "all").put("size_mib", opts.sizeMib).put("runs", opts.runs)
        .put("cores", Runtime.getRuntime().availableProcessors());
    ObjectNode each = json.putObject("benchmarks");
    ArrayNode goals = json.putArray("goals");
    List<String> text = new ArrayList<>();
    for (BenchPart p : parts) {
      String name = p.getClass().getAnnotation(Command.class).name();
      p.opts = opts;
      BenchReport r = p.measure(Files.createDirectories(d.resolve(name)));
      each.set(name, r.json());
      text.addAll(r.text());
      text.add("");
      for (JsonNode g : r.json().withArray("goals")) {
        goals.add(((ObjectNode) g.deepCopy()).put("benchmark", name));
      }
    }
    text.addAll(table(goals));
    return BenchReport.of(json, text);
  }

  /** The goals as one table. */
  static List<String> table(ArrayNode goals) {
    List<String> t = new ArrayList<>();
    t.add(String.format(Locale.ROOT, "%-8s %-86s %13s %13s  %s", "bench", "goal", "value", "at most", "met"));
    int met = 0;
    for (JsonNode g : goals) {
      boolean ok = g.get("met").asBoolean();
      met += ok ? 1 : 0;
      String unit = g.get("unit").asText();
      t.add(String.format(Locale.ROOT, "%-8s %-86s %9.3f %-3s %9.3f %-3s  %s", g.get("benchmark").asText(),
          g.get("what").asText(), g.get("value").asDouble(), unit, g.get("goal_at_most").asDouble(),
          unit, ok ? "met" : "NOT MET"));
    }
    t.add(met + " of " + goals.size() + " goals met");
    return t;
  }
}
