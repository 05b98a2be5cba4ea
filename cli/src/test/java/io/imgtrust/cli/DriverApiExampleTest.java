package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API as a driver's spawn path calls it; the README quotes {@link #spawn} verbatim. */
class DriverApiExampleTest {
  @TempDir Path dir;

  // README example begins
  /** A driver's spawn path: fill or take the cache entry, prepare the disk, check it right before boot. */
  static PreparedDisk spawn(Path configFile, Path download, Path glanceJson, String instance)
      throws ImageTrustException {
    ImgtrustConfig config = ConfigLoader.load(configFile);            // nova.conf-style INI
    ImageCache cache = ImageCache.open(config);                        // <instances_path>/_base
    ImageBackend backend = Backends.fromConfig(BackendContext.of(config, cache), null);  // images_type
    ImageMetadata meta = GlanceMetadata.read(glanceJson);              // GET /v2/images/{id}
    CacheEntry entry = cache.add(download, meta);                      // verify, convert, seal (a hit is free)
    PreparedDisk disk = backend.prepare(SpawnRequest.of(instance, entry).withSize(20L << 30));
    // ... define the domain with disk.diskXml(), then, right before starting it:
    backend.beforeBoot(domainXmlOf(instance, disk));
    return disk;
  }
  // README example ends

  private static String domainXmlOf(String instance, PreparedDisk disk) {
    return DomainXml.of(instance, disk.diskXml(), 256);
  }

  @Test
  void spawn_flatBackend_diskPreparedFromVerifiedDownload() throws Exception {
    Path config = Files.writeString(dir.resolve("nova.conf"), "[DEFAULT]\ninstances_path = " + dir.resolve("i")
        + "\n[libvirt]\nimages_type = flat\n" + ItFiles.NOT_IMMUTABLE + "[verification]\nhost_key_file = " + dir.resolve("host.key") + "\n");
    Path download = dir.resolve("image.raw");
    String sha = ItFiles.writeImage(download, 5L << 20, 3, 0);
    Path glance = ItFiles.meta(dir, "api-1", "raw", download, sha);

    PreparedDisk disk = spawn(config, download, glance, "vm-api");

    assertThat(Files.size(Path.of(disk.target()))).isEqualTo(20L << 30);
    assertThat(disk.report()).containsEntry("bytes_verified", 5L << 20);
  }
}
