package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust bench all}: every comparison, one after the other, and one table of every goal. */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = {"Run every benchmark (startup, verify, cache, import, memory; boot with --boot) with the same "
        + "SIZE and rounds, print each one's medians, then one table of every goal with its value and whether it is "
        + "met. Exit status 0 whether goals are met or not; a benchmark that fails stops the run.",
        "--boot needs root and libvirtd and restarts libvirtd (see `imgtrust bench boot --help`)."})
final class BenchAllCommand implements Callable<Integer> {
  @ParentCommand BenchCommand bench;
  @picocli.CommandLine.Mixin BenchOptions opts;

  @Option(names = "--boot", description = "Also run `bench boot` (root, libvirtd; restarts libvirtd).")
  boolean boot;

  /** One benchmark of the run. */
  private interface Part {
    BenchReport measure(Path d) throws Exception;
  }

  @Override
  public Integer call() throws Exception {
    return bench.print(opts.inWorkDir(this::measure));
  }

  /** Runs every benchmark in its own directory under {@code d}. */
  BenchReport measure(Path d) throws Exception {
    Map<String, Part> parts = new LinkedHashMap<>();
    parts.put("startup", with(new BenchStartupCommand(), c -> c.opts = opts)::measure);
    parts.put("verify", with(new BenchVerifyCommand(), c -> c.opts = opts)::measure);
    parts.put("cache", with(new BenchCacheCommand(), c -> c.opts = opts)::measure);
    parts.put("import", with(new BenchImportCommand(), c -> c.opts = opts)::measure);
    parts.put("memory", with(new BenchMemoryCommand(), c -> c.opts = opts)::measure);
    if (boot) {
      parts.put("boot", with(new BenchBootCommand(), c -> c.opts = opts)::measure);
    }
    ObjectNode json = Output.ok().put("benchmark", "all").put("size_mib", opts.sizeMib).put("runs", opts.runs)
        .put("cores", Runtime.getRuntime().availableProcessors());
    ObjectNode each = json.putObject("benchmarks");
    ArrayNode goals = json.putArray("goals");
    List<String> text = new ArrayList<>();
    for (Map.Entry<String, Part> p : parts.entrySet()) {
      BenchReport r = p.getValue().measure(Files.createDirectories(d.resolve(p.getKey())));
      each.set(p.getKey(), r.json());
      text.addAll(r.text());
      text.add("");
      for (JsonNode g : r.json().withArray("goals")) {
        goals.add(((ObjectNode) g.deepCopy()).put("benchmark", p.getKey()));
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

  private static <T> T with(T command, java.util.function.Consumer<T> set) {
    set.accept(command);
    return command;
  }
}
