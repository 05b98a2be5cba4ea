package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.Root;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust bench lvm}: the lvm backend's verified import against Nova's unchecked {@code qemu-img convert}. */
@Command(name = "lvm", mixinStandardHelpOptions = true,
    description = {"Time the lvm backend's verified import (inside this JVM, as a driver calls it) against Nova's "
        + "way: `lvcreate` then `qemu-img convert -f raw -O raw -t none` of the same cache file into the LV's "
        + "device (and the convert alone, into an LV made beforehand), on a random and a mostly-zero image. Every "
        + "step starts after a `sync` with its previous LV removed; both write every byte of the LV and flush it.",
        "Needs lvm2, qemu-img and a volume group with room for two images (scripts/bench-lvm.sh makes one on a "
            + "loop device here, with activation emulated)."})
final class BenchLvmCommand implements Callable<Integer> {
  @ParentCommand BenchCommand bench;
  @picocli.CommandLine.Mixin BenchOptions opts;

  @Option(names = "--volume-group", required = true, description = "The volume group to create the LVs in.")
  String volumeGroup;

  @Override
  public Integer call() throws Exception {
    Root root = (Root) bench.spec.parent().userObject();
    return opts.inWorkDir(d -> {
      java.nio.file.Path config = BenchOptions.config(d, "imgtrust.conf", "[libvirt]\nimages_volume_group = "
          + volumeGroup + "\nvolume_clear = none\n");
      Timings t = new Timings();
      BenchReport r;
      try (ImgtrustHost host = ImgtrustHost.open(ConfigLoader.load(config))) {
        for (String kind : List.of("random", "mostly-zero")) {
          add(t, host, opts.fill(host.cache(), d, kind), kind);
        }
        t.run(opts.runs);
        ObjectNode header = Output.ok().put("benchmark", "lvm").put("size_mib", opts.sizeMib)
            .put("runs", opts.runs).put("volume_group", volumeGroup);
        r = new BenchReport("bench lvm: " + opts.sizeMib + " MiB images, medians of " + opts.runs
            + " side-by-side rounds", t, header);
        for (String kind : List.of("random", "mostly-zero")) {
          r.ratio(kind + ": lvm import, in JVM", kind + ": lvcreate + qemu-img convert -t none", 1.0);
          r.ratio(kind + ": lvm import, in JVM", kind + ": qemu-img convert -t none (LV made before)", 1.0);
        }
      } finally {
        Timings.tryExec(List.of("lvremove", "-f", volumeGroup + "/bench-qemu"));
      }
      root.output().success(r.json(), r.text());
      return 0;
    });
  }

  private void add(Timings t, ImgtrustHost host, CacheEntry e, String kind) {
    String lv = volumeGroup + "/bench-qemu";
    String dev = "/dev/" + lv;
    List<String> lvcreate = List.of("lvcreate", "-y", "--zero", "n", "--wipesignatures", "n", "-n", "bench-qemu",
        "-L", e.record().size() + "b", volumeGroup);
    List<String> convert = List.of("qemu-img", "convert", "-f", "raw", "-O", "raw", "-t", "none",
        e.file().toString(), dev);
    Timings.Step removeLv = () -> {
      Timings.tryExec(List.of("lvremove", "-f", lv));
      Timings.exec(List.of("sync"));
    };
    t.add(kind + ": lvm import, in JVM",
        BenchImportCommand.inJvm(host, Spawn.of("bench-lvm-" + kind, e.imageId()).withImagesType("lvm")));
    t.add(kind + ": lvcreate + qemu-img convert -t none", Timings.commands(removeLv, List.of(lvcreate, convert)));
    t.add(kind + ": qemu-img convert -t none (LV made before)", Timings.commands(() -> {
      removeLv.run();
      Timings.exec(lvcreate);
      Timings.exec(List.of("sync"));
    }, List.of(convert)));
  }
}
