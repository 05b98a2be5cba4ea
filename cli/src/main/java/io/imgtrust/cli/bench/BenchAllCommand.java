package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imgtrust bench all}: every comparison, one after the other, and one table of every goal. */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = {"Run every benchmark (startup, verify, cache, import, memory, fetch, lvm, rbd; boot with --boot) "
        + "with the same SIZE and rounds, print each one's medians, then one table of every goal with its value and "
        + "whether it is met. A benchmark whose service is not given or does not answer (Glance, the volume group, "
        + "the Ceph cluster, libvirtd), or that fails, is not run: its goals are listed as not measured, with why. "
        + "Exit status 0 whether goals are met or not.",
        "--boot needs root and libvirtd; it installs a hook and reloads libvirtd (see `imgtrust bench boot --help`). "
            + "scripts/bench-all.sh starts every service and runs this with them."})
final class BenchAllCommand extends BenchPart {
  @Option(names = "--boot", description = "Also run `bench boot` (root, libvirtd; installs a hook, reloads libvirtd).")
  boolean boot;

  @Option(names = "--parts", split = ",", paramLabel = "NAME", description = "Run only these benchmarks (the "
      + "others are listed as not run); default: all of startup,verify,cache,import,memory,fetch,lvm,rbd,boot.")
  List<String> only;

  @Mixin GlanceOption glance = new GlanceOption();
  @Mixin VolumeGroupOption vg = new VolumeGroupOption();
  @Mixin CephOptions ceph = new CephOptions();

  @Override
  BenchReport measure(Path d) throws Exception {
    Map<String, BenchPart> parts = parts();
    if (only != null && !parts.keySet().containsAll(only)) {
      throw ImageTrustException.of(Reason.USAGE, "--parts takes names from " + String.join(",", parts.keySet()));
    }
    // QEMU (its own user) must reach the boot part's disks below this directory.
    Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    ObjectNode json = opts.header("all");
    ObjectNode each = json.putObject("benchmarks");
    ArrayNode goals = json.putArray("goals");
    List<String> text = new ArrayList<>();
    for (Map.Entry<String, BenchPart> e : parts.entrySet()) {
      BenchReport r = run(e.getKey(), e.getValue(), d);
      each.set(e.getKey(), r.json());
      text.addAll(r.text());
      text.add("");
      for (JsonNode g : r.json().withArray("goals")) {
        goals.add(((ObjectNode) g.deepCopy()).put("benchmark", e.getKey()));
      }
    }
    text.addAll(table(goals));
    return BenchReport.of(json, text);
  }

  /** Every part, in order, with the options of this command. */
  private Map<String, BenchPart> parts() {
    BenchFetchCommand fetch = new BenchFetchCommand();
    fetch.service = glance;
    BenchLvmCommand lvm = new BenchLvmCommand();
    lvm.vg = vg;
    BenchRbdCommand rbd = new BenchRbdCommand();
    rbd.ceph = ceph;
    BenchMemoryCommand memory = new BenchMemoryCommand();
    memory.vg = vg;
    memory.ceph = ceph;
    memory.glance = glance;
    Map<String, BenchPart> parts = new LinkedHashMap<>();
    for (BenchPart p : List.of(new BenchStartupCommand(), new BenchVerifyCommand(), new BenchCacheCommand(),
        new BenchImportCommand(), memory, fetch, lvm, rbd, new BenchBootCommand())) {
      p.opts = opts;
      parts.put(p.getClass().getAnnotation(Command.class).name(), p);
    }
    return parts;
  }

  /** Runs part {@code name}, or says why not: not chosen, a service missing, or the run failed. */
  private BenchReport run(String name, BenchPart p, Path d) throws Exception {
    if (only != null && !only.contains(name)) {
      return BenchReport.notRun(name, "not in --parts", p.goals());
    }
    if (name.equals("boot") && !boot && only == null) {
      return BenchReport.notRun(name, "needs --boot (root and libvirtd; installs a hook, reloads libvirtd)",
          p.goals());
    }
    try {
      p.requireServices();
    } catch (ImageTrustException e) {
      return BenchReport.notRun(name, e.getMessage(), p.goals());
    }
    try {
      return p.measure(Files.createDirectories(d.resolve(name)));
    } catch (InterruptedException e) {
      throw e;
    } catch (ImageTrustException e) {
      return BenchReport.notRun(name, "failed: " + e.reason() + ": " + e.getMessage(), p.goals());
    } catch (Exception e) {
      return BenchReport.notRun(name, "failed: " + e, p.goals());
    }
  }

  /** The goals as one table: measured ones with value and whether met, the others as not measured and why. */
  static List<String> table(ArrayNode goals) {
    int width = 4;
    for (JsonNode g : goals) {
      width = Math.max(width, g.get("what").asText().length());
    }
    String columns = "%-8s %-" + width + "s ";
    List<String> t = new ArrayList<>();
    t.add(String.format(Locale.ROOT, columns + "%13s %13s  %s", "bench", "goal", "value", "at most", "met"));
    int met = 0;
    int unmeasured = 0;
    for (JsonNode g : goals) {
      String unit = g.get("unit").asText();
      String atMost = g.get("goal_at_most").isNull() ? "" : String.format(Locale.ROOT, "%9.3f %-3s",
          g.get("goal_at_most").asDouble(), unit);
      if (g.get("value").isNull()) {
        unmeasured++;
        t.add(String.format(Locale.ROOT, columns + "%13s %13s  %s: not run: %s", g.get("benchmark").asText(),
            g.get("what").asText(), "-", atMost, BenchReport.NOT_MEASURED,
            g.get("not_run").asText()));
        continue;
      }
      boolean ok = g.get("met").asBoolean();
      met += ok ? 1 : 0;
      t.add(String.format(Locale.ROOT, columns + "%9.3f %-3s %13s  %s", g.get("benchmark").asText(),
          g.get("what").asText(), g.get("value").asDouble(), unit, atMost, ok ? "met" : "NOT MET"));
    }
    t.add(met + " of " + goals.size() + " goals met" + (unmeasured == 0 ? "" : ", " + unmeasured + " not measured"));
    return t;
  }
}
