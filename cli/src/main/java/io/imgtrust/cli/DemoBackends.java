package io.imgtrust.cli;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo's backend story: spawn through every backend that runs without extra services (flat, qcow2, ploop),
 * boot the qcow2 instance where libvirtd is reachable, then rot the cached base and show each backend refusing it,
 * the quarantine, and a refill that works again.
 */
final class DemoBackends {
  static final List<String> TYPES = List.of("flat", "qcow2", "ploop");

  private final ImgtrustConfig config;
  private final ImageCache cache;
  private final Path image;
  private final ImageMetadata meta;
  private final Consumer<String> step;

  DemoBackends(ImgtrustConfig config, ImageCache cache, Path image, ImageMetadata meta, Consumer<String> step) {
    this.config = config;
    this.cache = cache;
    this.image = image;
    this.meta = meta;
    this.step = step;
  }

  void run(boolean boot) throws Exception {
    BackendContext ctx = BackendContext.of(config, cache);
    for (String type : TYPES) {
      ImageBackend b = Backends.fromConfig(ctx, type);
      PreparedDisk d = b.prepare(SpawnRequest.of("demo-" + type, cache.entry(meta.id())).withSize(64L << 20));
      step.accept("spawn " + type + ": " + d.target() + " (" + d.report().get("verified") + ")");
      if (type.equals("qcow2")) {
        long t0 = System.nanoTime();
        b.beforeBoot(DomainXml.of("demo-qcow2", d.diskXml(), 256));
        step.accept("before-boot check of demo-qcow2 (what the libvirt hook runs): backing chain read from the "
            + "headers, base rechecked, " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      }
    }
    if (boot) {
      boot(Backends.fromConfig(ctx, "qcow2"));
    }
    for (String type : TYPES) {
      refuse(Backends.fromConfig(ctx, type), type);
    }
  }

  private void boot(ImageBackend qcow2) throws Exception {
    String name = "imgtrust-demo-" + ProcessHandle.current().pid();
    PreparedDisk d = qcow2.prepare(SpawnRequest.of(name, cache.entry(meta.id())).withSize(64L << 20));
    try {
      var dom = LibvirtBoot.boot(config.string(io.imgtrust.core.config.Key.CONNECTION_URI), name, d, qcow2);
      step.accept("boot qcow2: domain " + name + " " + dom.get("state").asText() + " (" + dom.get("type").asText()
          + ", before-boot check " + dom.get("before_boot_ms").asText() + " ms); destroyed and undefined again");
      LibvirtBoot.destroyAndUndefine(config.string(io.imgtrust.core.config.Key.CONNECTION_URI), name);
    } catch (ImageTrustException e) {
      step.accept("boot qcow2: skipped, libvirt not usable here (" + e.reason() + ": " + e.getMessage() + ")");
    } finally {
      qcow2.remove(name, "disk");
    }
  }

  private void refuse(ImageBackend b, String type) throws Exception {
    CacheEntry e = cache.entry(meta.id());
    long offset = DemoCommand.rot(e.file());
    try {
      b.prepare(SpawnRequest.of("demo-" + type + "-2", e));
      throw ImageTrustException.of(Reason.INTERNAL, type + " did not refuse the rotten base");
    } catch (ImageTrustException x) {
      if (x.reason() != Reason.DIGEST_MISMATCH) {
        throw x;
      }
      step.accept("bit rot at offset " + offset + " of the cached base; spawn " + type + " refused: DIGEST_MISMATCH "
          + "at chunk " + x.details().get("chunk") + ", nothing made, base quarantined");
    }
    cache.add(image, meta);
    b.prepare(SpawnRequest.of("demo-" + type + "-3", cache.entry(meta.id())));
    step.accept("refill from the download; spawn " + type + " works again");
  }
}
