package io.imgtrust.core.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A random valid backing chain written into a {@link ChainFixture}: a qcow2 top in the instance directory and 0..4
 * backing files in the cache (qcow2 v2 or v3, the last one raw or qcow2), each named absolutely or relatively,
 * directly or through a symlink in the cache, with random sizes, cluster sizes and harmless features.
 */
final class RandomChain {
  static final int MAX_BACKING = 4;

  final ChainFixture fx;
  final Path top;
  /** The files of the chain, top first (real paths). */
  final List<Path> files = new ArrayList<>();
  /** The links {@link BackingChain#read} must return for the chain as written. */
  final List<BackingChain.Link> expected = new ArrayList<>();

  private RandomChain(ChainFixture fx, Path top) {
    this.fx = fx;
    this.top = top;
  }

  static RandomChain write(ChainFixture fx, Random r) throws IOException {
    int n = r.nextInt(MAX_BACKING + 1);
    boolean rawBase = n > 0 && r.nextBoolean();
    Path[] real = new Path[n + 1];
    Path[] named = new Path[n + 1];
    String[] names = new String[n + 1];
    real[0] = fx.instance.resolve("disk");
    named[0] = real[0];
    for (int i = 1; i <= n; i++) {
      Path dir = r.nextInt(3) == 0 ? fx.cache.resolve("sub" + r.nextInt(2)) : fx.cache;
      real[i] = dir.resolve("f" + i + (i == n && rawBase ? ".raw" : ".qcow2"));
      named[i] = real[i];
      if (r.nextInt(5) == 0) {
        named[i] = fx.cache.resolve("link" + i);
      }
      names[i - 1] = r.nextBoolean()
          ? named[i].toString()
          : named[i - 1].getParent().relativize(named[i]).toString();
    }
    RandomChain chain = new RandomChain(fx, real[0]);
    for (int i = 0; i <= n; i++) {
      boolean raw = i == n && rawBase;
      ImageFormat backingFormat = i + 1 == n && rawBase ? ImageFormat.RAW : ImageFormat.QCOW2;
      chain.files.add(real[i]);
      if (raw) {
        long size = r.nextInt(4) == 0 ? 0 : r.nextInt(1 << 20);
        ChainFixture.raw(real[i], size);
        chain.expected.add(new BackingChain.Link(real[i], ImageFormat.RAW, Optional.empty(), Optional.empty(),
            size, 0));
      } else {
        TestImages.Qcow2 image = qcow2(r, i == 0);
        if (i < n) {
          image.backing(names[i], backingFormat.qemuName());
        }
        ChainFixture.write(real[i], image);
        chain.expected.add(new BackingChain.Link(real[i], ImageFormat.QCOW2, Optional.ofNullable(names[i]),
            i < n ? Optional.of(backingFormat) : Optional.empty(), image.size, image.version));
      }
      if (!named[i].equals(real[i])) {
        Files.createSymbolicLink(named[i], real[i]);
      }
    }
    return chain;
  }

  private static TestImages.Qcow2 qcow2(Random r, boolean top) {
    TestImages.Qcow2 image = new TestImages.Qcow2();
    image.version = r.nextBoolean() ? 2 : 3;
    image.clusterBits = 9 + r.nextInt(8);
    image.size = r.nextInt(8) == 0 ? 0 : (r.nextLong() >>> 28);
    if (image.version == 3) {
      image.headerLength = r.nextBoolean() ? 104 : 112;
      if (image.headerLength > 104 && r.nextInt(4) == 0) {
        image.compressionType = 1;
        image.incompatible |= 1L << Qcow2Features.COMPRESSION_TYPE;
      }
      if (image.clusterBits >= 14 && r.nextInt(4) == 0) {
        image.incompatible |= 1L << Qcow2Features.EXTENDED_L2;
      }
      if (top && r.nextInt(3) == 0) {
        image.incompatible |= 1L << Qcow2Features.DIRTY;
      }
    }
    return image;
  }

  BackingChain read() throws io.imgtrust.core.ImageTrustException {
    return BackingChain.read(top, ImageFormat.QCOW2, List.of(fx.cache), BackingChain.DEFAULT_MAX_DEPTH);
  }
}
