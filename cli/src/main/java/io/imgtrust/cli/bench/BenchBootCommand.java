package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.command.HookReload;
import io.imgtrust.cli.command.HookScript;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.io.CommandRunner;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.host.DomainSpec;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code imgtrust bench boot}: the before-boot check against sha256sum, and virsh start with and without the hook. */
@Command(name = "boot", mixinStandardHelpOptions = true,
    description = {"Time the qcow2 before-boot check as libvirt runs it (`imgtrust hook qemu ... prepare begin`, "
        + "JVM start included, recheck = always) on a SIZE base against `sha256sum` of the base; and `virsh start` "
        + "of a small domain on a qcow2 overlay with the imgtrust hook installed (recheck = interval, a hit) "
        + "against `virsh start` without the hook.",
        "Needs root, a running libvirtd (scripts/libvirt-up.sh) and qemu-img. It installs and removes the hook "
            + "/etc/libvirt/hooks/qemu.d/50-imgtrust-bench and reloads libvirtd (SIGHUP, untimed) to toggle it; "
            + "libvirtd is never restarted."})
final class BenchBootCommand extends BenchPart {
  private static final String URI = "qemu:///system";
  private static final Path HOOK = Path.of("/etc/libvirt/hooks/qemu.d/50-imgtrust-bench");
  private static final String CHECK = "before-boot check (hook, recheck=always)";
  private static final String SHA256SUM = "sha256sum of the base";
  private static final String HOOKED = "virsh start, hook (recheck=interval hit)";
  private static final String UNHOOKED = "virsh start, no hook";

  @Override
  void requireServices() throws ImageTrustException {
    if (HookScript.launcher().isEmpty()) {
      throw ImageTrustException.of(Reason.USAGE, "the hook runs the imgtrust launcher: run bench through ./imgtrust");
    }
    if (!Files.isWritable(HOOK.getParent().getParent())) {
      throw ImageTrustException.of(Reason.LIBVIRT_ERROR, "needs root: installs a hook in " + HOOK.getParent());
    }
    Probe.require(Reason.LIBVIRT_ERROR, "libvirtd does not answer at " + URI + " (scripts/libvirt-up.sh)",
        List.of("virsh", "-c", URI, "version"));
    Probe.require(Reason.LIBVIRT_ERROR, "no libvirtd process to reload", List.of("pidof", "libvirtd"));
  }

  @Override
  List<Goal> goals() {
    return List.of(Goal.ratio(CHECK, SHA256SUM, 0.35), Goal.difference(HOOKED, UNHOOKED, 0.2));
  }

  @Override
  BenchReport measure(Path d) throws Exception {
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path always = config(d, "always");
    Path interval = config(d, "interval");
    CacheEntry big;
    Path bigXml;
    Path domXml;
    String domain = "imgtrust-bench-" + ProcessHandle.current().pid();
    try (ImgtrustHost host = ImgtrustHost.open(ConfigLoader.load(always))) {
      big = fill(host.cache(), d, "big", opts.sizeBytes());
      CacheEntry small = fill(host.cache(), d, "small", 64L << 20);
      bigXml = Files.writeString(d.resolve("big.xml"), DomainSpec.of("bench-big", 64, 1).toXml(
          host.prepare(Spawn.of("bench-big", big.imageId()).withImagesType("qcow2")).disk().diskXml()));
      PreparedDisk disk = host.prepare(Spawn.of("bench-boot", small.imageId()).withImagesType("qcow2")).disk();
      domXml = Files.writeString(d.resolve("boot.xml"), DomainSpec.of(domain, 64, 1).toXml(disk.diskXml()));
    }
    Timings.exec(List.of("virsh", "-c", URI, "define", domXml.toString()));
    try {
      Timings t = timings(always, interval, bigXml, big, domain);
      t.run(opts.runs);
      ObjectNode header = Output.ok().put("benchmark", "boot").put("size_mib", opts.sizeMib)
          .put("runs", opts.runs).put("domain_type", DomainSpec.domainType());
      return new BenchReport("bench boot: " + opts.sizeMib + " MiB base, medians of " + opts.runs
          + " side-by-side rounds", t, header).goals(goals());
    } finally {
      Timings.tryExec(List.of("virsh", "-c", URI, "destroy", domain));
      Timings.exec(List.of("virsh", "-c", URI, "undefine", domain));
      if (Files.deleteIfExists(HOOK)) {
        HookReload.reload(CommandRunner.system());
      }
    }
  }

  private Timings timings(Path always, Path interval, Path bigXml, CacheEntry big, String domain) {
    List<String> hook = new ArrayList<>(BenchVerifyCommand.launcher());
    hook.addAll(List.of("--config", always.toString(), "hook", "qemu", "bench-big", "prepare", "begin", "-"));
    return new Timings()
        .add(CHECK, () -> Timings.execWithInput(hook, bigXml))
        .add(SHA256SUM, List.of("sha256sum", big.file().toString()))
        .add(HOOKED, start(domain, () -> installHook(interval)))
        .add(UNHOOKED, start(domain, () -> {
          if (Files.deleteIfExists(HOOK)) {
            HookReload.reload(CommandRunner.system());
          }
        }));
  }

  private static Timings.Step start(String domain, Timings.Step hookState) {
    return new Timings.Step() {
      @Override
      public void before() throws Exception {
        Timings.tryExec(List.of("virsh", "-c", URI, "destroy", domain));
        hookState.run();
      }

      @Override
      public void run() throws Exception {
        Timings.exec(List.of("virsh", "-c", URI, "start", domain));
      }

      @Override
      public void after() throws Exception {
        Timings.tryExec(List.of("virsh", "-c", URI, "destroy", domain));
      }
    };
  }

  private static void installHook(Path config) throws Exception {
    if (Files.exists(HOOK)) {
      return;
    }
    List<String> install = new ArrayList<>(BenchVerifyCommand.launcher());
    install.addAll(List.of("--config", config.toString(), "hook", "install", "--name", HOOK.getFileName().toString(),
        "--domains", "imgtrust-bench-*"));
    Timings.exec(install);
    HookReload.reload(CommandRunner.system());
  }

  private static Path config(Path d, String recheck) throws Exception {
    return BenchOptions.config(d, "imgtrust-" + recheck + ".conf", "recheck = " + recheck + "\n");
  }

  private static CacheEntry fill(ImageCache cache, Path d, String name, long size) throws Exception {
    Path src = d.resolve(name + ".raw");
    BenchVerifyCommand.writeRandom(src, size);
    return BenchOptions.fillCache(cache, src, "bench-" + name);
  }
}
