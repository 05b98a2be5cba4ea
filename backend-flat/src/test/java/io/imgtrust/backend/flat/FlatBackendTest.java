package io.imgtrust.backend.flat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.testing.CacheFixture;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlatBackendTest {
  private static final int SIZE = 5 * 1024 * 1024 + 3;

  @TempDir Path root;
  private CacheFixture fx;
  private ImageBackend flat;
  private CacheEntry entry;
  private Path instances;

  @BeforeEach
  void setUp() throws Exception {
    fx = CacheFixture.create(root, "");
    flat = Backends.create(BackendContext.of(fx.conf, fx.cache), "raw");
    entry = fx.add("img", CacheFixture.randomImage(SIZE, 1));
    instances = fx.conf.path(Key.INSTANCES_PATH);
  }

  @Test
  void fromConfig_rawAlias_isFlat() {
    assertThat(flat.describe()).startsWith("flat");
  }

  @Test
  void prepare_withSize_growsSparselyKeepingImageBytes() throws Exception {
    PreparedDisk d = flat.prepare(SpawnRequest.of("vm", entry).withSize(64L << 20));

    Path disk = Path.of(d.target());
    assertThat(Files.size(disk)).isEqualTo(64L << 20);
    try (InputStream in = Files.newInputStream(disk)) {
      assertThat(CacheFixture.sha256(in.readNBytes(SIZE))).isEqualTo(CacheFixture.sha256(
          Files.readAllBytes(entry.file())));
      assertThat(in.readAllBytes()).containsOnly((byte) 0);
    }
    assertThat(d.diskXml()).contains("type='raw'").contains("file='" + disk + "'");
    assertThat(d.report()).containsEntry("virtual_size", 64L << 20).containsEntry("bytes_verified", (long) SIZE);
  }

  @Test
  void prepare_sizeBelowImage_flavorTooSmallAndNothingMade() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> flat.prepare(SpawnRequest.of("vm", entry).withSize(SIZE - 1)));

    assertThat(e.reason()).isEqualTo(Reason.FLAVOR_TOO_SMALL);
    assertThat(Files.exists(instances.resolve("vm"))).isFalse();
  }

  @Test
  void prepare_existingDisk_targetExistsAndDiskUntouched() throws Exception {
    Files.createDirectories(instances.resolve("vm"));
    Files.writeString(instances.resolve("vm/disk"), "precious");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> flat.prepare(SpawnRequest.of("vm", entry)));

    assertThat(e.reason()).isEqualTo(Reason.TARGET_EXISTS);
    assertThat(Files.readString(instances.resolve("vm/disk"))).isEqualTo("precious");
  }

  @Test
  void prepare_leftoverOfKilledImport_removedAndDiskMade() throws Exception {
    Files.createDirectories(instances.resolve("vm"));
    Files.writeString(instances.resolve("vm/.disk.import-zz"), "half");

    flat.prepare(SpawnRequest.of("vm", entry));

    try (var s = Files.list(instances.resolve("vm"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("disk");
    }
  }

  @Test
  void prepare_reportsProgressUpToTheImageSize() throws Exception {
    List<Long> seen = new ArrayList<>();

    flat.prepare(SpawnRequest.of("vm", entry).withProgress((done, total) -> seen.add(done)));

    assertThat(seen).isSorted().last().isEqualTo((long) SIZE);
  }

  @Test
  void remove_preparedDisk_removesDiskAndEmptyInstanceDir() throws Exception {
    flat.prepare(SpawnRequest.of("vm", entry));

    flat.remove("vm", "disk");
    flat.remove("vm", "disk");

    assertThat(Files.exists(instances.resolve("vm"))).isFalse();
  }

  @Test
  void remove_pathLikeName_usage() {
    assertThat(catchThrowableOfType(ImageTrustException.class, () -> flat.remove("../x", "disk")).reason())
        .isEqualTo(Reason.USAGE);
  }
}
