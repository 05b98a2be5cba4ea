package io.imgtrust.cli;

import static io.imgtrust.cli.ItFiles.tool;
import static io.imgtrust.cli.ItFiles.tryTool;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imgtrust bench all --boot} through the launcher, tiny (16 MiB, one round: the numbers are noise, only their
 * presence is checked), with every service it compares against: the Glance of {@code scripts/glance-up.sh}
 * ({@code GLANCE_ENDPOINT}), a throwaway pool on the Ceph of {@code scripts/ceph-up.sh}, a volume group on a loop
 * device ({@code scripts/lvm-emulation/loop-vg}) and the running libvirtd (root; the benchmark installs its hook,
 * reloads libvirtd and removes the hook). A missing service fails the test.
 */
class BenchAllIT {
  private static final Path EMULATION = Launcher.locate().getParent().resolve("scripts/lvm-emulation");
  private static final Path HOOK = Path.of("/etc/libvirt/hooks/qemu.d/50-imgtrust-bench");

  @TempDir Path dir;

  @Test
  void benchAll_everyService_everyBenchmarkRunAndEveryGoalHasANumber() throws Exception {
    String glance = GlanceServer.running().endpoint.toString();
    String env = System.getenv("IMGTRUST_CEPH_CONF");
    Path ceph = Path.of(env != null && !env.isEmpty() ? env : "/run/imgtrust-ceph/ceph.conf");
    assertThat(Files.isReadable(ceph)).as("no Ceph cluster: run scripts/ceph-up.sh start").isTrue();
    String pool = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    String vg = "imgtrust_bench_it_" + ProcessHandle.current().pid();
    Path pv = dir.resolve("pv.img");
    tool("ceph", "--conf", ceph.toString(), "osd", "pool", "create", pool, "8", "8", "replicated", "--size", "1");
    try {
      tool("ceph", "--conf", ceph.toString(), "osd", "pool", "application", "enable", pool, "rbd");
      tool(EMULATION.resolve("loop-vg").toString(), "up", vg, "256", pv.toString());
      try {
        JsonNode j = benchAll("--glance", glance, "--ceph-conf", ceph.toString(), "--pool", pool,
            "--volume-group", vg);
        assertEveryGoalMeasured(j);
      } finally {
        tool(EMULATION.resolve("loop-vg").toString(), "down", vg, pv.toString());
      }
    } finally {
      tryTool("ceph", "--conf", ceph.toString(), "osd", "pool", "delete", pool, pool,
          "--yes-i-really-really-mean-it");
    }
    assertThat(HOOK).as("the benchmark's hook is removed").doesNotExist();
  }

  private static void assertEveryGoalMeasured(JsonNode j) {
    assertThat(j.get("benchmarks").fieldNames()).toIterable().containsExactly("startup", "verify", "cache",
        "import", "memory", "fetch", "lvm", "rbd", "boot");
    j.get("benchmarks").fields().forEachRemaining(b -> assertThat(b.getValue().has("not_run"))
        .as("%s ran: %s", b.getKey(), b.getValue().path("not_run")).isFalse());
    JsonNode goals = j.get("goals");
    assertThat(goals).allSatisfy(g -> {
      assertThat(g.get("value").isNumber()).as("%s", g).isTrue();
      assertThat(g.get("status").asText()).as("%s", g).isIn("met", "not met");
    });
    Map<String, Integer> perPart = Map.of("memory", 12, "fetch", 3, "lvm", 4, "rbd", 3, "boot", 2);
    perPart.forEach((part, n) -> assertThat(goals).filteredOn(g -> g.get("benchmark").asText().equals(part))
        .as(part).hasSize(n));
    assertThat(goals).extracting(g -> g.get("what").asText())
        .contains("virsh start, hook (recheck=interval hit) - virsh start, no hook",
            "peak RSS: imgtrust spawn lvm, 64 MiB image", "peak RSS: imgtrust spawn rbd, 64 MiB image",
            "peak RSS: imgtrust cache fetch, 16 MiB image", "peak RSS: imgtrust cache fetch, 64 MiB image");
  }

  /** Runs {@code imgtrust --json bench all --boot} with lvm2's test set-up (activation emulated) in its environment. */
  private JsonNode benchAll(String... services) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of(Launcher.locate().toString(), "--json", "bench", "all",
        "--size-mib", "16", "--runs", "1", "--boot"));
    argv.addAll(List.of(services));
    Path out = dir.resolve("bench.out");
    Path err = dir.resolve("bench.err");
    ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().put("PATH", EMULATION.resolve("bin") + ":" + System.getenv("PATH"));
    pb.environment().put("LVM_SYSTEM_DIR", EMULATION.resolve("etc").toString());
    pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("bench all: %s", stderr).isTrue();
    return new ObjectMapper().readTree(out.toFile());
  }
}
