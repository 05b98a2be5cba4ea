package io.imgtrust.cli.demo;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.host.BootedDomain;
import io.imgtrust.host.DomainSpec;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo's backend story: spawn through each backend given (flat, qcow2, ploop, and lvm and rbd where their
 * services were started), boot the qcow2 instance where libvirtd is reachable, then rot the cached base and show each backend refusing it,
 * the quarantine, and a refill that works again. Everything goes through one {@link ImgtrustHost}.
 */
final class DemoBackends {
  private static final long SIZE = 64L << 20;

  private final ImgtrustHost host;
  private final Path image;
  private final ImageMetadata meta;
  private final Consumer<String> step;

  DemoBackends(ImgtrustHost host, Path image, ImageMetadata meta, Consumer<String> step) {
    this.host = host;
    this.image = image;
    this.meta = meta;
    this.step = step;
  }

  private Spawn spawn(String instance, String type) {
    return Spawn.of(instance, meta.id()).withImagesType(type);
  }

  void run(List<String> types, boolean boot) throws Exception {
    for (String type : types) {
      PreparedDisk d = host.prepare(spawn("demo-" + type, type).withSize(SIZE)).disk();
      step.accept("spawn " + type + ": " + d.target() + " (" + d.report().get("verified") + ")");
      if (type.equals("qcow2")) {
        long t0 = System.nanoTime();
        host.beforeBoot(DomainSpec.of("demo-qcow2", 256, 1).toXml(d.diskXml()));
        step.accept("before-boot check of demo-qcow2 (what the libvirt hook runs): backing chain read from the "
            + "headers, base rechecked, " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      }
    }
    if (boot) {
      boot();
    }
    for (String type : types) {
      refuse(type);
    }
  }

  private void boot() throws Exception {
    String name = "imgtrust-demo-" + ProcessHandle.current().pid();
    try {
      BootedDomain dom = host.boot(spawn(name, "qcow2").withSize(SIZE), DomainSpec.of(name, 256, 1)).domain()
          .orElseThrow();
      host.remove(name, true);
      step.accept("boot qcow2: domain " + name + " " + dom.state() + " (" + dom.type() + ", before-boot check "
          + dom.beforeBootMs() + " ms); destroyed and undefined again");
    } catch (ImageTrustException e) {
      if (e.reason().kind() == Reason.Kind.REFUSED) {
        throw e; // a refusal at boot is a finding, never a skip
      }
      step.accept("boot qcow2: skipped, libvirt not usable here (" + e.reason() + ": " + e.getMessage() + ")");
    }
  }

  private void refuse(String type) throws Exception {
    long offset = DemoCommand.rot(host.cache().entry(meta.id()).file());
    try {
      host.prepare(spawn("demo-" + type + "-2", type));
      throw ImageTrustException.of(Reason.INTERNAL, type + " did not refuse the rotten base");
    } catch (ImageTrustException x) {
      if (x.reason() != Reason.DIGEST_MISMATCH) {
        throw x;
      }
      step.accept("bit rot at offset " + offset + " of the cached base; spawn " + type + " refused: DIGEST_MISMATCH "
          + "at chunk " + x.details().get("chunk") + ", nothing made, base quarantined");
    }
    host.prepare(spawn("demo-" + type + "-3", type).withDownload(image, meta));
    step.accept("refill from the download; spawn " + type + " works again");
  }
}
