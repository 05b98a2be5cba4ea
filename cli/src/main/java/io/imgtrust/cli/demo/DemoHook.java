package io.imgtrust.cli.demo;

import io.imgtrust.cli.command.HookScript;
import io.imgtrust.cli.command.HookReload;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.CommandResult;
import io.imgtrust.core.io.CommandRunner;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.host.DomainSpec;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo's hook story (as root, with the imgtrust launcher and a running libvirtd): installs the real libvirt qemu
 * hook for the demo's configuration ({@code 50-imgtrust-demo}, libvirtd reloads it on SIGHUP), starts a qcow2
 * instance with {@code virsh create} so only the hook checks it, rots the cached base and shows {@code virsh create}
 * refused by the hook. {@link #close} removes the hook and reloads libvirtd again.
 */
final class DemoHook implements AutoCloseable {
  private static final Path SCRIPT = Path.of("/etc/libvirt/hooks/qemu.d/50-imgtrust-demo");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final CommandRunner run = CommandRunner.system();
  private final Consumer<String> step;

  private DemoHook(Consumer<String> step) {
    this.step = step;
  }

  /** Installs the hook for {@code config} when the demo runs through the launcher; empty otherwise. */
  static java.util.Optional<DemoHook> install(Path config, Consumer<String> step) throws Exception {
    java.util.Optional<Path> launcher = HookScript.launcher();
    if (launcher.isEmpty() || !Files.isWritable(SCRIPT.getParent().getParent())) {
      step.accept("hook: skipped (needs root and the imgtrust launcher)");
      return java.util.Optional.empty();
    }
    Files.createDirectories(SCRIPT.getParent());
    AtomicFiles.write(SCRIPT, HookScript.body(launcher.get(), config, "imgtrust-demo-*").getBytes(StandardCharsets.UTF_8),
        "rwxr-xr-x");
    DemoHook h = new DemoHook(step);
    try {
      HookReload.reload(h.run);
    } catch (ImageTrustException | RuntimeException e) {
      // Never leave a hook behind that would run for every domain start on this host.
      Files.deleteIfExists(SCRIPT);
      throw e;
    }
    return java.util.Optional.of(h);
  }

  /** Boots a qcow2 instance through the hook, then shows the hook refusing a rotten base; refills the cache. */
  void run(ImgtrustHost host, Path image, ImageMetadata meta, Path dir) throws Exception {
    String name = "imgtrust-demo-hook-" + ProcessHandle.current().pid();
    PreparedDisk d = host.prepare(Spawn.of(name, meta.id()).withImagesType("qcow2").withSize(64L << 20)).disk();
    Path xml = dir.resolve(name + ".xml");
    Files.writeString(xml, DomainSpec.of(name, 256, 1).toXml(d.diskXml()));
    try {
      virsh("create", xml.toString()).requireSuccess();
      step.accept("hook: virsh create " + name + " started it; the real libvirt hook (" + SCRIPT + ") checked the "
          + "backing chain and rechecked the base first");
      virsh("destroy", name).requireSuccess();
      long offset = DemoCommand.rot(host.cache().entry(meta.id()).file());
      CommandResult refused = virsh("create", xml.toString());
      if (refused.exitCode() == 0 || !refused.stderr().contains("DIGEST_MISMATCH")) {
        virsh("destroy", name);
        throw ImageTrustException.of(Reason.INTERNAL, "the hook did not refuse the rotten base: " + refused.stderr());
      }
      step.accept("hook: bit rot at offset " + offset + " of the base; virsh create refused by the hook: "
          + lastLine(refused.stderr()));
    } finally {
      host.remove(name, false);
    }
    host.cache().add(image, meta);
    step.accept("hook: base refilled from the download");
  }

  /** The hook's own message from libvirt's error (which quotes the hook's environment and argv first). */
  private static String lastLine(String s) {
    String[] lines = s.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    int at = last.indexOf("imgtrust: ");
    return at < 0 ? last : "exit status 3, " + last.substring(at);
  }

  private CommandResult virsh(String... args) throws ImageTrustException {
    List<String> argv = new java.util.ArrayList<>(List.of("virsh", "-q", "-c", "qemu:///system"));
    argv.addAll(List.of(args));
    return run.run(argv, TIMEOUT);
  }

  @Override
  public void close() throws ImageTrustException {
    try {
      Files.deleteIfExists(SCRIPT);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot remove " + SCRIPT, e);
    }
    HookReload.reload(run);
  }
}
