package io.imgtrust.cli.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.imgtrust.cli.Output;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imgtrust bench memory}: peak RSS of whole {@code imgtrust spawn} commands per backend, and of {@code imgtrust
 * cache fetch}, for an image of SIZE and of 4x SIZE. A backend or fetch whose service does not answer is listed as not
 * measured, with why.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = {"Peak resident memory (GNU time's maximum RSS) of `imgtrust spawn` for every backend (qcow2 with "
        + "recheck = always, so the base is hashed; lvm with --volume-group; rbd with the Ceph cluster) and of "
        + "`imgtrust cache fetch` from --glance, on a random image of SIZE and of 4x SIZE; goal: at most 300 MiB "
        + "whatever the size. A service that does not answer: its rows are listed as not measured, with why.",
        "Needs /usr/bin/time (package time). Uses about 7x SIZE of disk in a temporary directory, 4x SIZE in the "
            + "volume group, the pool and Glance's store (removed afterwards)."})
final class BenchMemoryCommand extends BenchPart {
  static final double GOAL_MIB = 300;
  private static final List<String> TYPES = List.of("flat", "ploop", "qcow2", "lvm", "rbd");
  private static final String FETCH = "cache fetch";

  @Option(names = "--types", split = ",", description = "Backends (default: flat,ploop,qcow2,lvm,rbd; lvm and rbd "
      + "are not measured when their service does not answer).")
  List<String> types;

  @Mixin VolumeGroupOption vg = new VolumeGroupOption();
  @Mixin CephOptions ceph = new CephOptions();
  @Mixin GlanceOption glance = new GlanceOption();

  @Override
  BenchReport measure(Path d) throws Exception {
    Map<String, String> missing = new LinkedHashMap<>();
    String services = services(missing);
    Path config = BenchOptions.config(d, "imgtrust.conf", "recheck = always\n" + services);
    Path fetchConfig = BenchOptions.config(Files.createDirectories(d.resolve("fetch")), "imgtrust.conf", services);
    // Names of their own, so that what a killed run left in the volume group or the pool is never in the way.
    String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    BenchReport r = new BenchReport("bench memory: peak RSS of imgtrust spawn and cache fetch (whole commands)",
        new Timings(), Output.ok().put("benchmark", "memory").put("size_mib", opts.sizeMib));
    try (ImgtrustHost host = ImgtrustHost.open(ConfigLoader.load(config))) {
      for (long mib : List.of((long) opts.sizeMib, 4L * opts.sizeMib)) {
        Path src = d.resolve("image-" + mib + ".raw");
        BenchVerifyCommand.writeRandom(src, mib << 20);
        CacheEntry e = BenchOptions.fillCache(host.cache(), src, "bench-mem-" + mib);
        for (String type : types != null ? types : TYPES) {
          String row = row("spawn " + type, mib);
          if (missing.containsKey(type)) {
            notMeasured(r, row, missing.get(type));
          } else {
            spawn(r, row, host, d, config, Spawn.of("mem-" + type + "-" + mib + "-" + tag, e.imageId())
                .withImagesType(type));
          }
        }
        if (missing.containsKey(FETCH)) {
          notMeasured(r, row(FETCH, mib), missing.get(FETCH));
        } else {
          fetch(r, row(FETCH, mib), fetchConfig, e.file());
        }
        Files.setPosixFilePermissions(e.file(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.delete(e.file());
      }
    }
    return r;
  }

  /** One spawn's peak RSS; a failed spawn is its row not measured, with why. The disk is removed either way. */
  private static void spawn(BenchReport r, String row, ImgtrustHost host, Path d, Path config, Spawn spawn)
      throws Exception {
    try {
      record(r, row, () -> peakMib(d, config, List.of("spawn", "--instance", spawn.instance(), "--image",
          spawn.imageId(), "--images-type", spawn.imagesType().orElseThrow())));
    } finally {
      host.remove(spawn, false);
    }
  }

  /** Measures one row's peak RSS in MiB. */
  @FunctionalInterface
  private interface Peak {
    double mib() throws Exception;
  }

  /** Row {@code row} against the goal; a failed measurement is the row not measured, with why. */
  private static void record(BenchReport r, String row, Peak peak) throws InterruptedException {
    try {
      r.atMost(row, peak.mib(), "MiB", GOAL_MIB);
    } catch (InterruptedException x) {
      throw x;
    } catch (Exception x) {
      notMeasured(r, row, "failed: " + x.getMessage());
    }
  }

  private static void notMeasured(BenchReport r, String row, String why) {
    r.notMeasured(row, "MiB", GOAL_MIB, why);
  }

  /** The config sections of the services that answer; those that do not go into {@code missing}, with why. */
  private String services(Map<String, String> missing) {
    StringBuilder s = new StringBuilder("[libvirt]\n");
    if (answers(vg::require, "lvm", missing)) {
      s.append(vg.configLines());
    }
    if (answers(ceph::require, "rbd", missing)) {
      s.append(ceph.configLines());
    }
    if (answers(glance::requireAnswers, FETCH, missing)) {
      s.append(glance.configSection());
    }
    return s.toString();
  }

  private static boolean answers(Probe.Check check, String what, Map<String, String> missing) {
    try {
      check.run();
      return true;
    } catch (ImageTrustException e) {
      missing.put(what, e.getMessage());
      return false;
    }
  }

  /**
   * Peak RSS of {@code imgtrust cache fetch} of {@code image}, uploaded to Glance first, into the empty cache of
   * {@code config} (in a directory of its own); a failure is the row not measured, with why. The fetched entry and
   * the Glance image are removed either way.
   */
  private void fetch(BenchReport r, String row, Path config, Path image) throws Exception {
    AtomicReference<String> id = new AtomicReference<>();
    try {
      record(r, row, () -> {
        id.set(BenchFetchCommand.upload(glance.glance, image));
        return peakMib(config.getParent(), config, List.of("cache", "fetch", id.get()));
      });
    } finally {
      Path fetched = config.getParent().resolve("instances");
      if (Files.exists(fetched)) {
        MoreFiles.deleteRecursively(fetched, RecursiveDeleteOption.ALLOW_INSECURE);
      }
      if (id.get() != null) {
        BenchFetchCommand.delete(glance.glance, id.get());
      }
    }
  }

  private static String row(String command, long mib) {
    return "peak RSS: imgtrust " + command + ", " + mib + " MiB image";
  }

  private static double peakMib(Path d, Path config, List<String> command) throws Exception {
    Path out = d.resolve("time.out");
    List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", out.toString()));
    argv.addAll(BenchVerifyCommand.launcher());
    argv.addAll(List.of("--config", config.toString()));
    argv.addAll(command);
    Timings.exec(argv);
    String kib = Files.readString(out, StandardCharsets.US_ASCII).trim();
    return Long.parseLong(kib.substring(kib.lastIndexOf('\n') + 1).trim()) / 1024.0;
  }
}
