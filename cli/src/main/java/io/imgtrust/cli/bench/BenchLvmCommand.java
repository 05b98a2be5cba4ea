package io.imgtrust.cli.bench;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code imgtrust bench lvm}: the lvm backend's verified import against Nova's unchecked {@code qemu-img convert}. */
@Command(name = "lvm", mixinStandardHelpOptions = true,
    description = {"Time the lvm backend's verified import (inside this JVM, as a driver calls it) against Nova's "
        + "way: `lvcreate` then `qemu-img convert -f raw -O raw -t none` of the same cache file into the LV's "
        + "device (and the convert alone, into an LV made beforehand), on a random and a mostly-zero image. Every "
        + "step starts after a `sync` with its previous LV removed; both write every byte of the LV and flush it.",
        "Needs lvm2, qemu-img and a volume group with room for two images (scripts/bench-lvm.sh makes one on a "
            + "loop device here, with activation emulated)."})
final class BenchLvmCommand extends BenchPart {
  private static final List<String> KINDS = List.of("random", "mostly-zero");
  private static final String JVM = ": lvm import, in JVM";
  private static final String CREATE_CONVERT = ": lvcreate + qemu-img convert -t none";
  private static final String CONVERT = ": qemu-img convert -t none (LV made before)";

  @picocli.CommandLine.Mixin VolumeGroupOption vg = new VolumeGroupOption();

  @Override
  void requireServices() throws ImageTrustException {
    vg.require();
  }

  @Override
  List<Goal> goals() {
    List<Goal> goals = new ArrayList<>();
    for (String kind : KINDS) {
      goals.add(Goal.ratio(kind + JVM, kind + CREATE_CONVERT, 1.0));
      goals.add(Goal.ratio(kind + JVM, kind + CONVERT, 1.0));
    }
    return goals;
  }

  @Override
  BenchReport measure(Path d) throws Exception {
    Path config = BenchOptions.config(d, "imgtrust.conf", "[libvirt]\n" + vg.configLines());
    Timings t = new Timings();
    try (ImgtrustHost host = ImgtrustHost.open(ConfigLoader.load(config))) {
      for (String kind : KINDS) {
        add(t, host, opts.fill(host.cache(), d, kind), kind);
      }
      t.run(opts.runs);
    } finally {
      Timings.tryExec(List.of("lvremove", "-f", vg.volumeGroup + "/bench-qemu"));
    }
    return new BenchReport("bench lvm: " + opts.sizeMib + " MiB images, medians of " + opts.runs
        + " side-by-side rounds", t, opts.header("lvm").put("volume_group", vg.volumeGroup)).goals(goals());
  }

  private void add(Timings t, ImgtrustHost host, CacheEntry e, String kind) {
    String lv = vg.volumeGroup + "/bench-qemu";
    String dev = "/dev/" + lv;
    List<String> lvcreate = List.of("lvcreate", "-y", "--zero", "n", "--wipesignatures", "n", "-n", "bench-qemu",
        "-L", e.record().size() + "b", vg.volumeGroup);
    List<String> convert = List.of("qemu-img", "convert", "-f", "raw", "-O", "raw", "-t", "none",
        e.file().toString(), dev);
    Timings.Step removeLv = () -> {
      Timings.tryExec(List.of("lvremove", "-f", lv));
      Timings.exec(List.of("sync"));
    };
    t.add(kind + JVM,
        BenchImportCommand.inJvm(host, Spawn.of("bench-lvm-" + kind, e.imageId()).withImagesType("lvm")));
    t.add(kind + CREATE_CONVERT, Timings.commands(removeLv, List.of(lvcreate, convert)));
    t.add(kind + CONVERT, Timings.commands(() -> {
      removeLv.run();
      Timings.exec(lvcreate);
      Timings.exec(List.of("sync"));
    }, List.of(convert)));
  }
}
