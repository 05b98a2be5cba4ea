package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.Root;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust bench rbd}: the rbd backend's verified import against {@code rbd import} into the same pool. */
@Command(name = "rbd", mixinStandardHelpOptions = true,
    description = {"Time the rbd backend's verified import (inside this JVM, as a driver calls it) against an "
        + "unchecked `rbd import` of the same cache file into the same pool, on a random and a mostly-zero image. "
        + "Every step starts with its previous image removed. Then clone mode ([rbd] mode = clone): a spawn of a SIZE "
        + "and a 4x SIZE image whose verified base exists (constant time).",
        "Needs a Ceph cluster (scripts/ceph-up.sh start) and the rbd tool; uses about 2x SIZE in the pool and 4x SIZE "
            + "of disk in a temporary directory, removed afterwards; the two verified bases stay in the pool."})
final class BenchRbdCommand implements Callable<Integer> {
  @ParentCommand BenchCommand bench;
  @picocli.CommandLine.Mixin BenchOptions opts;

  @Option(names = "--ceph-conf", paramLabel = "FILE", description = "Ceph configuration (default: "
      + "$IMGTRUST_CEPH_CONF, else /run/imgtrust-ceph/ceph.conf, where scripts/ceph-up.sh puts it).")
  Path cephConf;

  @Option(names = "--pool", defaultValue = "rbd", description = "Pool (default: ${DEFAULT-VALUE}).")
  String pool;

  @Override
  public Integer call() throws Exception {
    Root root = (Root) bench.spec.parent().userObject();
    Path conf = cephConf != null ? cephConf : defaultConf();
    return opts.inWorkDir(d -> {
      Path config = BenchOptions.config(d, "imgtrust.conf", "[libvirt]\nimages_rbd_pool = " + pool
          + "\nimages_rbd_ceph_conf = " + conf + "\nrbd_secret_uuid = 00000000-0000-4000-8000-000000000000\n");
      Timings t = new Timings();
      List<String[]> ratios = new ArrayList<>();
      List<Runnable> cleanup = new ArrayList<>();
      Path key = d.resolve("cluster.key");
      Files.write(key, java.security.SecureRandom.getSeed(32));
      Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      String clone = Files.readString(config).replace(d.resolve("instances").toString(),
          d.resolve("clone-instances").toString());
      Path cloneConfig = Files.writeString(d.resolve("clone.conf"), clone + "[rbd]\nmode = clone\ncluster_key_file = "
          + key + "\n");
      try (ImgtrustHost host = ImgtrustHost.open(ConfigLoader.load(config));
          ImgtrustHost clones = ImgtrustHost.open(ConfigLoader.load(cloneConfig))) {
        try {
          for (String kind : List.of("random", "mostly-zero")) {
            add(t, host, fill(host, d, kind, opts.sizeBytes()), kind, conf, ratios, cleanup);
          }
          addClones(t, clones, d, ratios, cleanup);
          t.run(opts.runs);
        } finally {
          cleanup.forEach(Runnable::run);
        }
      }
      ObjectNode header = Output.ok().put("benchmark", "rbd").put("size_mib", opts.sizeMib).put("runs", opts.runs)
          .put("cores", Runtime.getRuntime().availableProcessors()).put("pool", pool);
      BenchReport r = new BenchReport("bench rbd: " + opts.sizeMib + " MiB images, medians of " + opts.runs
          + " side-by-side rounds", t, header);
      for (String[] q : ratios) {
        r.ratio(q[0], q[1], Double.parseDouble(q[2]));
      }
      root.output().success(r.json(), r.text());
      return 0;
    });
  }

  private static Path defaultConf() {
    String env = System.getenv("IMGTRUST_CEPH_CONF");
    return Path.of(env != null && !env.isEmpty() ? env : "/run/imgtrust-ceph/ceph.conf");
  }

  private static CacheEntry fill(ImgtrustHost host, Path d, String kind, long bytes) throws Exception {
    Path src = d.resolve(kind + ".raw");
    if (kind.equals("random")) {
      BenchVerifyCommand.writeRandom(src, bytes);
    } else {
      BenchVerifyCommand.writeMostlyZero(src, bytes);
    }
    return BenchOptions.fillCache(host.cache(), src, "bench-" + kind);
  }

  /** Clone-mode spawns of an image whose verified base exists (made once before the rounds): SIZE and 4x SIZE. */
  private void addClones(Timings t, ImgtrustHost clones, Path d, List<String[]> ratios, List<Runnable> cleanup)
      throws Exception {
    List<String> names = new ArrayList<>();
    for (int times : List.of(1, 4)) {
      String kind = "clone-" + times + "x";
      CacheEntry e = fill(clones, d, kind, times * opts.sizeBytes());
      Spawn spawn = Spawn.of("bench-rbd-" + kind, e.imageId()).withImagesType("rbd");
      clones.prepare(spawn);
      String name = "clone-mode spawn, base exists, " + times * opts.sizeMib + " MiB, in JVM";
      t.add(name, BenchImportCommand.inJvm(clones, spawn));
      names.add(name);
      cleanup.add(() -> {
        try {
          clones.remove(spawn, false);
        } catch (Exception x) {
          throw new IllegalStateException("cannot remove the benchmark's clone: " + x.getMessage(), x);
        }
      });
    }
    ratios.add(new String[] {names.get(1), names.get(0), "1.2"});
  }

  private void add(Timings t, ImgtrustHost host, CacheEntry e, String kind, Path conf, List<String[]> ratios,
      List<Runnable> cleanup) {
    Spawn spawn = Spawn.of("bench-rbd-" + kind, e.imageId()).withImagesType("rbd");
    List<String> rm = List.of("rbd", "--conf", conf.toString(), "rm", "--no-progress",
        pool + "/bench-rbd-import-" + kind);
    String jvm = kind + ": rbd verified import, in JVM";
    String rbd = kind + ": rbd import (unchecked)";
    t.add(jvm, BenchImportCommand.inJvm(host, spawn));
    t.add(rbd, Timings.commands(() -> Timings.tryExec(rm), List.of(List.of("rbd", "--conf", conf.toString(),
        "import", "--no-progress", e.file().toString(), pool + "/bench-rbd-import-" + kind))));
    ratios.add(new String[] {jvm, rbd, "1.0"});
    cleanup.add(() -> {
      try {
        host.remove(spawn, false);
        Timings.tryExec(rm);
      } catch (Exception x) {
        throw new IllegalStateException("cannot remove the benchmark's images: " + x.getMessage(), x);
      }
    });
  }
}
