package io.imgtrust.cli.demo;

import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The demo's rbd clone-mode story: two "hosts" (own instances path, cache and host key; one cluster, one cluster key)
 * spawn the same image. The first builds the verified base, the second clones it after checking its seal, reading
 * no byte of it.
 */
final class DemoRbdClone {
  private static final long SIZE = 64L << 20;
  private final DemoConfig configs;
  private final Path image;
  private final ImageMetadata meta;
  private final Consumer<String> step;

  DemoRbdClone(DemoConfig configs, Path image, ImageMetadata meta, Consumer<String> step) {
    this.configs = configs;
    this.image = image;
    this.meta = meta;
    this.step = step;
  }

  void run() throws Exception {
    try (ImgtrustHost a = ImgtrustHost.open(configs.write("host-a", "clone"));
        ImgtrustHost b = ImgtrustHost.open(configs.write("host-b", "clone"))) {
      a.cache().add(image, meta);
      b.cache().add(image, meta);
      step.accept("rbd clone mode: hosts A and B (" + configs.file("host-a") + ", " + configs.file("host-b")
          + ") each filled their own cache; one cluster key");
      spawn(a, "A", "demo-clone-a");
      spawn(b, "B", "demo-clone-b");
      a.remove("demo-clone-a", false);
      b.remove("demo-clone-b", false);
    }
  }

  private void spawn(ImgtrustHost host, String name, String instance) throws Exception {
    long t0 = System.nanoTime();
    PreparedDisk d = host.prepare(Spawn.of(instance, meta.id()).withImagesType("rbd").withSize(SIZE)).disk();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Object hashed = d.report().getOrDefault("bytes_hashed", d.report().get("bytes_verified"));
    step.accept("rbd clone, host " + name + ": " + d.target() + " from " + d.report().get("base") + ", " + hashed
        + " bytes hashed, " + ms + " ms (" + d.report().get("verified") + ")");
  }
}
