package io.imgtrust.cli.bench;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code imgtrust bench rbd}: the rbd backend's verified import against {@code rbd import} into the same pool. */
@Command(name = "rbd", mixinStandardHelpOptions = true,
    description = {"Time the rbd backend's verified import (inside this JVM, as a driver calls it) against an "
        + "unchecked `rbd import` of the same cache file into the same pool, on a random and a mostly-zero image. "
        + "Every step starts with its previous image removed. Then clone mode ([rbd] mode = clone): a spawn of a SIZE "
        + "and a 4x SIZE image whose verified base exists (constant time).",
        "Needs a Ceph cluster (scripts/ceph-up.sh start) and the rbd tool; uses about 2x SIZE in the pool and 4x SIZE "
            + "of disk in a temporary directory, removed afterwards; the two verified bases stay in the pool."})
final class BenchRbdCommand extends BenchPart {
  private static final List<String> KINDS = List.of("random", "mostly-zero");
  private static final String JVM = ": rbd verified import, in JVM";
  private static final String RBD = ": rbd import (unchecked)";

  @picocli.CommandLine.Mixin CephOptions ceph = new CephOptions();

  @Override
  void requireServices() throws ImageTrustException {
    ceph.require();
  }

  @Override
  List<Goal> goals() {
    List<Goal> goals = new ArrayList<>();
    for (String kind : KINDS) {
      goals.add(Goal.ratio(kind + JVM, kind + RBD, 1.0));
    }
    goals.add(Goal.ratio(clone(4), clone(1), 1.2));
    return goals;
  }

  private String clone(int times) {
    return "clone-mode spawn, base exists, " + times * opts.sizeMib + " MiB, in JVM";
  }

  @Override
  BenchReport measure(Path d) throws Exception {
    Path conf = ceph.conf();
    Path config = BenchOptions.config(d, "imgtrust.conf", "[libvirt]\n" + ceph.configLines());
    Timings t = new Timings();
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
        for (String kind : KINDS) {
          add(t, host, fill(host, d, kind, opts.sizeBytes()), kind, conf, cleanup);
        }
        addClones(t, clones, d, cleanup);
        t.run(opts.runs);
      } finally {
        cleanup.forEach(Runnable::run);
      }
    }
    return new BenchReport("bench rbd: " + opts.sizeMib + " MiB images, medians of " + opts.runs
        + " side-by-side rounds", t, opts.header("rbd").put("pool", ceph.pool)).goals(goals());
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
  private void addClones(Timings t, ImgtrustHost clones, Path d, List<Runnable> cleanup) throws Exception {
    for (int times : List.of(1, 4)) {
      String kind = "clone-" + times + "x";
      CacheEntry e = fill(clones, d, kind, times * opts.sizeBytes());
      Spawn spawn = Spawn.of("bench-rbd-" + kind, e.imageId()).withImagesType("rbd");
      clones.prepare(spawn);
      t.add(clone(times), BenchImportCommand.inJvm(clones, spawn));
      cleanup.add(() -> {
        try {
          clones.remove(spawn, false);
        } catch (Exception x) {
          throw new IllegalStateException("cannot remove the benchmark's clone: " + x.getMessage(), x);
        }
      });
    }
  }

  private void add(Timings t, ImgtrustHost host, CacheEntry e, String kind, Path conf, List<Runnable> cleanup) {
    Spawn spawn = Spawn.of("bench-rbd-" + kind, e.imageId()).withImagesType("rbd");
    List<String> rm = List.of("rbd", "--conf", conf.toString(), "rm", "--no-progress",
        ceph.pool + "/bench-rbd-import-" + kind);
    t.add(kind + JVM, BenchImportCommand.inJvm(host, spawn));
    t.add(kind + RBD, Timings.commands(() -> Timings.tryExec(rm), List.of(List.of("rbd", "--conf", conf.toString(),
        "import", "--no-progress", e.file().toString(), ceph.pool + "/bench-rbd-import-" + kind))));
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
