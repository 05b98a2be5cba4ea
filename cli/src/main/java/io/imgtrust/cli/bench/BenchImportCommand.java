package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code imgtrust bench import}: verified imports against the copies an operator would otherwise make. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Time the verified import of the flat and ploop backends, inside this JVM (as a driver calls it) "
        + "and as a whole `imgtrust spawn` command, against `cp --sparse=always` + `sync`, `cp` + `sha256sum` and "
        + "`qemu-img convert -O parallels`, on a random image and a mostly-zero image. Every step starts after a "
        + "`sync` and with its previous target removed; imports include their fsync.",
        "Needs coreutils and qemu-img. Uses about 6x SIZE of disk in a temporary directory, removed afterwards."})
final class BenchImportCommand extends BenchPart {
  @Override
  BenchReport measure(Path d) throws Exception {
    Path config = BenchOptions.config(d, "imgtrust.conf", "");
    boolean ploop = Backends.providers(getClass().getClassLoader()).containsKey("ploop");
    Timings t = new Timings();
    List<Goal> goals = new ArrayList<>();
    try (ImgtrustHost host = ImgtrustHost.open(ConfigLoader.load(config))) {
      for (String kind : List.of("random", "mostly-zero")) {
        CacheEntry e = opts.fill(host.cache(), d, kind);
        addFlat(t, host, config, e, kind, d, goals);
        if (ploop) {
          addPloop(t, host, config, e, kind, d, goals);
        }
      }
      t.run(opts.runs);
    }
    ObjectNode header = opts.header("import");
    return new BenchReport("bench import: " + opts.sizeMib + " MiB images, medians of " + opts.runs
        + " side-by-side rounds", t, header).goals(goals);
  }

  private static void addFlat(Timings t, ImgtrustHost host, Path config, CacheEntry e, String kind, Path d,
      List<Goal> goals) {
    Path out = d.resolve("cp-" + kind);
    String jvm = kind + ": flat import, in JVM";
    String cpSync = kind + ": cp --sparse=always + sync";
    String cpSha = kind + ": cp + sha256sum";
    t.add(jvm, inJvm(host, Spawn.of("jvm-flat-" + kind, e.imageId()).withImagesType("flat")));
    t.add(kind + ": imgtrust spawn flat (whole command)",
        spawn(host, config, Spawn.of("cmd-flat-" + kind, e.imageId()).withImagesType("flat")));
    t.add(cpSync, Timings.commands(removeAndSync(out), List.of(
        List.of("cp", "--sparse=always", e.file().toString(), out.toString()), List.of("sync"))));
    t.add(cpSha, Timings.commands(removeAndSync(out), List.of(List.of("cp", e.file().toString(), out.toString()),
        List.of("sha256sum", out.toString()))));
    goals.add(Goal.ratio(jvm, cpSync, kind.equals("random") ? 1.15 : 1.0));
    goals.add(Goal.ratio(jvm, cpSha, 0.35));
  }

  private static void addPloop(Timings t, ImgtrustHost host, Path config, CacheEntry e, String kind, Path d,
      List<Goal> goals) {
    Path out = d.resolve("qemu-" + kind + ".hds");
    String jvm = kind + ": ploop import, in JVM";
    String qemu = kind + ": qemu-img convert -O parallels";
    t.add(jvm, inJvm(host, Spawn.of("jvm-ploop-" + kind, e.imageId()).withImagesType("ploop")));
    t.add(kind + ": imgtrust spawn ploop (whole command)",
        spawn(host, config, Spawn.of("cmd-ploop-" + kind, e.imageId()).withImagesType("ploop")));
    t.add(qemu, Timings.commands(removeAndSync(out), List.of(List.of("qemu-img", "convert", "-f", "raw", "-O",
        "parallels", e.file().toString(), out.toString()))));
    goals.add(Goal.ratio(jvm, qemu, 1.0));
  }

  static Timings.Step inJvm(ImgtrustHost host, Spawn spawn) {
    return new Timings.Step() {
      @Override
      public void before() throws Exception {
        host.remove(spawn, false);
        Timings.exec(List.of("sync"));
      }

      @Override
      public void run() throws Exception {
        host.prepare(spawn);
      }
    };
  }

  private static Timings.Step spawn(ImgtrustHost host, Path config, Spawn spawn) {
    List<String> argv = new ArrayList<>(BenchVerifyCommand.launcher());
    argv.addAll(List.of("--config", config.toString(), "spawn", "--instance", spawn.instance(), "--image",
        spawn.imageId(), "--images-type", spawn.imagesType().orElseThrow()));
    return Timings.commands(() -> {
      host.remove(spawn, false);
      Timings.exec(List.of("sync"));
    }, List.of(argv));
  }

  static Timings.Step removeAndSync(Path out) {
    return () -> {
      Files.deleteIfExists(out);
      Timings.exec(List.of("sync"));
    };
  }
}
