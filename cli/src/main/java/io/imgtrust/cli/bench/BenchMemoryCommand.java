package io.imgtrust.cli.bench;

import io.imgtrust.cli.Output;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imgtrust bench memory}: peak RSS of whole {@code imgtrust spawn} commands, per backend and image size. */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = {"Peak resident memory (GNU time's maximum RSS) of `imgtrust spawn` for the flat, ploop and qcow2 "
        + "backends (qcow2: recheck = always, the base is hashed) on a random image of SIZE and of 4x SIZE; goal: "
        + "at most 300 MiB whatever the size.",
        "Needs /usr/bin/time (package time). Uses about 7x SIZE of disk in a temporary directory."})
final class BenchMemoryCommand extends BenchPart {
  static final double GOAL_MIB = 300;
  private static final List<String> TYPES = List.of("flat", "ploop", "qcow2");

  @Option(names = "--types", split = ",", description = "Backends (default: flat,ploop,qcow2).")
  List<String> types;

  @Override
  BenchReport measure(Path d) throws Exception {
    Path config = BenchOptions.config(d, "imgtrust.conf", "recheck = always\n");
    BenchReport r = new BenchReport("bench memory: peak RSS of imgtrust spawn (whole command)", new Timings(),
        Output.ok().put("benchmark", "memory").put("size_mib", opts.sizeMib));
    try (ImgtrustHost host = ImgtrustHost.open(ConfigLoader.load(config))) {
      for (long mib : List.of((long) opts.sizeMib, 4L * opts.sizeMib)) {
        Path src = d.resolve("image-" + mib + ".raw");
        BenchVerifyCommand.writeRandom(src, mib << 20);
        CacheEntry e = BenchOptions.fillCache(host.cache(), src, "bench-mem-" + mib);
        for (String type : types == null ? TYPES : types) {
          Spawn spawn = Spawn.of("mem-" + type + "-" + mib, e.imageId()).withImagesType(type);
          r.atMost("peak RSS: imgtrust spawn " + type + ", " + mib + " MiB image", peakMib(d, config, spawn),
              "MiB", GOAL_MIB);
          host.remove(spawn, false);
        }
        Files.setPosixFilePermissions(e.file(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.delete(e.file());
      }
    }
    return r;
  }

  private static double peakMib(Path d, Path config, Spawn spawn) throws Exception {
    Path out = d.resolve("time.out");
    List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", out.toString()));
    argv.addAll(BenchVerifyCommand.launcher());
    argv.addAll(List.of("--config", config.toString(), "spawn", "--instance", spawn.instance(), "--image",
        spawn.imageId(), "--images-type", spawn.imagesType().orElseThrow()));
    Timings.exec(argv);
    String kib = Files.readString(out, StandardCharsets.US_ASCII).trim();
    return Long.parseLong(kib.substring(kib.lastIndexOf('\n') + 1).trim()) / 1024.0;
  }
}
