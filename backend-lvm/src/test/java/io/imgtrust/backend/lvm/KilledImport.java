package io.imgtrust.backend.lvm;

import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.SpawnRequest;
import java.nio.file.Path;

/** A separate JVM that prepares one lvm disk, for the IT that kills it mid-import: CONFIG IMAGE_ID INSTANCE. */
final class KilledImport {
  private KilledImport() {}

  public static void main(String[] args) throws Exception {
    ImgtrustConfig conf = ConfigLoader.load(Path.of(args[0]));
    ImageCache cache = ImageCache.open(conf);
    try (ImageBackend b = Backends.create(BackendContext.of(conf, cache), "lvm")) {
      b.prepare(SpawnRequest.of(args[2], cache.sealedEntry(args[1])));
    }
  }
}
