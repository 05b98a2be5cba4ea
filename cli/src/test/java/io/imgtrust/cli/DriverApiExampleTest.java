package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.host.DomainSpec;
import io.imgtrust.host.ImgtrustHost;
import io.imgtrust.host.Spawn;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API as a driver calls it; the README quotes {@link #start} and {@link #spawn} verbatim. */
class DriverApiExampleTest {
  @TempDir Path dir;

  // README example begins
  /** Once, when the driver starts: the cache and the backends, held until the driver stops ({@code close()}). */
  static ImgtrustHost start(Path configFile) throws ImageTrustException {
    return ImgtrustHost.open(ConfigLoader.load(configFile));            // nova.conf-style INI
  }

  /** Each spawn: fill or take the cache entry, prepare the disk, check it right before boot. */
  static PreparedDisk spawn(ImgtrustHost host, Path download, Path glanceJson, String instance)
      throws ImageTrustException {
    ImageMetadata meta = GlanceMetadata.read(glanceJson);               // GET /v2/images/{id}
    Spawn spawn = Spawn.of(instance, meta.id()).withSize(20L << 30)
        .withDownload(download, meta);                                  // verify, convert, seal (a hit is free)
    PreparedDisk disk = host.prepare(spawn).disk();                     // images_type selects the backend
    // ... define the domain with disk.diskXml(), then, right before starting it (what the libvirt hook runs):
    host.beforeBoot(domainXmlOf(instance, disk));
    // host.boot(spawn, DomainSpec.of(instance, 2048, 2)) does all of it, undone on any failure.
    return disk;
  }
  // README example ends

  private static String domainXmlOf(String instance, PreparedDisk disk) {
    return DomainSpec.of(instance, 256, 1).toXml(disk.diskXml());
  }

  @Test
  void spawn_flatBackend_diskPreparedFromVerifiedDownload() throws Exception {
    Path config = Files.writeString(dir.resolve("nova.conf"), "[DEFAULT]\ninstances_path = " + dir.resolve("i")
        + "\n[libvirt]\nimages_type = flat\n" + ItFiles.NOT_IMMUTABLE + "[verification]\nhost_key_file = " + dir.resolve("host.key") + "\n");
    Path download = dir.resolve("image.raw");
    String sha = ItFiles.writeImage(download, 5L << 20, 3, 0);
    Path glance = ItFiles.meta(dir, "api-1", "raw", download, sha);

    try (ImgtrustHost host = start(config)) {
      PreparedDisk disk = spawn(host, download, glance, "vm-api");

      assertThat(Files.size(Path.of(disk.target()))).isEqualTo(20L << 30);
      assertThat(disk.report()).containsEntry("bytes_verified", 5L << 20);
    }
  }
}
