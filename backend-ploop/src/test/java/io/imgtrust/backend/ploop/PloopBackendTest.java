package io.imgtrust.backend.ploop;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PloopBackendTest {
  private static final int MIB = 1024 * 1024;

  @TempDir Path root;

  @Test
  void prepare_expanded_directoryHoldsImageAndDescriptorOnly() throws Exception {
    Setup s = new Setup(root, "");
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(CacheFixture.randomImage(3 * MIB, 1))));

    Path ploop = s.instances.resolve("vm/disk.ploop");
    assertThat(names(ploop)).containsExactly("DiskDescriptor.xml", "root.hds");
    assertThat(names(s.instances.resolve("vm"))).containsExactly("disk.ploop");
    assertThat(disk.target()).isEqualTo(ploop.resolve("root.hds").toString());
    assertThat(disk.diskXml()).isEqualTo("<disk type='file' device='disk'><driver name='qemu' type='ploop'"
        + " cache='none'/><source file='" + ploop.resolve("root.hds") + "'/><target dev='vda' bus='virtio'/></disk>");
    assertThat(disk.report()).containsEntry("format", "expanded").containsEntry("virtual_size", 3L * MIB)
        .containsEntry("bytes_verified", 3L * MIB).containsKey("content_digest");
  }

  @Test
  void prepare_raw_driverTypeRawAndDescriptorPlain() throws Exception {
    Setup s = new Setup(root, "[ploop]\nformat = raw");
    byte[] image = CacheFixture.randomImage(MIB + 3, 2);
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(image)));

    assertThat(disk.diskXml()).contains("type='raw'");
    assertThat(Files.size(Path.of(disk.target()))).isEqualTo(MIB + 512);
    assertThat(Arrays.copyOf(Files.readAllBytes(Path.of(disk.target())), image.length)).isEqualTo(image);
    assertThat(Files.readString(s.instances.resolve("vm/disk.ploop/DiskDescriptor.xml"))).contains("<Type>Plain</Type>");
    assertThat(disk.report()).containsEntry("format", "raw");
  }

  @Test
  void prepare_grownSize_virtualSizeRoundedToSectorAndTailReadsZeros() throws Exception {
    Setup s = new Setup(root, "");
    byte[] image = CacheFixture.randomImage(2 * MIB + 5, 3);
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(image)).withSize(8L * MIB + 1000));

    ParallelsTestReader r = ParallelsTestReader.open(Path.of(disk.target()));
    assertThat(r.sectors * 512).isEqualTo(8L * MIB + 1024);
    assertThat(r.guestBytes(0, image.length)).isEqualTo(image);
    assertThat(r.guestBytes(image.length, 6 * MIB)).containsOnly(0);
    assertThat(Arrays.copyOfRange(r.bat, 3, r.batEntries)).containsOnly(0);
    r.close();
    assertThat(Files.readString(s.instances.resolve("vm/disk.ploop/DiskDescriptor.xml")))
        .contains("<Disk_size>" + (8 * 2048 + 2) + "</Disk_size>");
  }

  @Test
  void prepare_sizeBelowImage_flavorTooSmallAndNothingCreated() throws Exception {
    Setup s = new Setup(root, "");
    CacheEntry e = s.add(CacheFixture.randomImage(2 * MIB, 4));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> s.backend.prepare(SpawnRequest.of("vm", e).withSize(MIB)));

    assertThat(x.reason()).isEqualTo(Reason.FLAVOR_TOO_SMALL);
    assertThat(s.instances.resolve("vm")).doesNotExist();
    assertThat(Files.exists(e.file())).isTrue();
  }

  @Test
  void prepare_diskExists_targetExistsAndOldDiskUntouched() throws Exception {
    Setup s = new Setup(root, "");
    Path old = Files.createDirectories(s.instances.resolve("vm/disk.ploop")).resolve("root.hds");
    Files.writeString(old, "old disk");

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> s.backend.prepare(SpawnRequest.of("vm", s.add(CacheFixture.randomImage(MIB, 5)))));

    assertThat(x.reason()).isEqualTo(Reason.TARGET_EXISTS);
    assertThat(Files.readString(old)).isEqualTo("old disk");
    assertThat(names(s.instances.resolve("vm"))).containsExactly("disk.ploop");
  }

  @Test
  void prepare_allZeroImage_noDataClustersAllocated() throws Exception {
    Setup s = new Setup(root, "");
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(new byte[9 * MIB + 7])));

    ParallelsTestReader r = ParallelsTestReader.open(Path.of(disk.target()));
    assertThat(r.bat).containsOnly(0);
    assertThat(r.fileLength()).isEqualTo(MIB);
    r.close();
    assertThat(disk.report()).containsEntry("bytes_written", 0L);
  }

  @Test
  void prepare_failedVerificationInExistingInstanceDir_onlyOurTemporaryRemoved() throws Exception {
    Setup s = new Setup(root, "");
    Path dir = Files.createDirectories(s.instances.resolve("vm"));
    Files.writeString(dir.resolve("console.log"), "x");
    CacheEntry e = s.add(CacheFixture.randomImage(5 * MIB, 6));
    CacheFixture.rot(e.file(), 100);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> s.backend.prepare(SpawnRequest.of("vm", e)));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 0L);
    assertThat(names(dir)).containsExactly("console.log");
  }

  @Test
  void prepare_temporaryOfInterruptedPrepare_removed() throws Exception {
    Setup s = new Setup(root, "");
    Path stale = Files.createDirectories(s.instances.resolve("vm/.disk.ploop.import-stale"));
    Files.writeString(stale.resolve("root.hds"), "half");

    s.backend.prepare(SpawnRequest.of("vm", s.add(CacheFixture.randomImage(MIB, 7))));

    assertThat(names(s.instances.resolve("vm"))).containsExactly("disk.ploop");
  }

  @Test
  void prepare_pathWithXmlSpecials_diskXmlEscaped() throws Exception {
    Setup s = new Setup(root.resolve("it's <a> & co"), "");
    PreparedDisk disk = s.backend.prepare(SpawnRequest.of("vm", s.add(CacheFixture.randomImage(MIB, 8))));

    assertThat(disk.diskXml()).contains("it&apos;s &lt;a&gt; &amp; co").doesNotContain("it's");
    assertThat(DiskDescriptorTest.parse(disk.diskXml()).getDocumentElement().getTagName()).isEqualTo("disk");
  }

  @Test
  void remove_preparedDisk_directoryAndEmptyInstanceDirGone() throws Exception {
    Setup s = new Setup(root, "");
    s.backend.prepare(SpawnRequest.of("vm", s.add(CacheFixture.randomImage(MIB, 9))));

    s.backend.remove("vm", "disk");

    assertThat(s.instances.resolve("vm")).doesNotExist();
  }

  @Test
  void remove_otherFilesInInstanceDir_keptWithTheDirectory() throws Exception {
    Setup s = new Setup(root, "");
    s.backend.prepare(SpawnRequest.of("vm", s.add(CacheFixture.randomImage(MIB, 10))));
    Files.writeString(s.instances.resolve("vm/console.log"), "x");

    s.backend.remove("vm", "disk");

    assertThat(names(s.instances.resolve("vm"))).containsExactly("console.log");
  }

  @Test
  void remove_missing_noError() throws Exception {
    Setup s = new Setup(root, "");

    s.backend.remove("nothing-here", "disk");

    assertThat(s.instances.resolve("nothing-here")).doesNotExist();
  }

  @Test
  void remove_nameWithSlash_usage() throws Exception {
    Setup s = new Setup(root, "");

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> s.backend.remove("../x", "disk"));

    assertThat(x.reason()).isEqualTo(Reason.USAGE);
  }

  @Test
  void describe_namesFormatAndLocation() throws Exception {
    Setup s = new Setup(root, "[ploop]\nformat = raw");

    assertThat(s.backend.describe()).isEqualTo("ploop (raw): " + s.instances + "/<instance>/disk.ploop/root.hds");
  }

  @Test
  void providers_serviceLoader_findsPloop() throws Exception {
    assertThat(Backends.providers(getClass().getClassLoader()).get("ploop"))
        .isInstanceOf(PloopBackendProvider.class);
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  /** A cache and a ploop backend under one directory. */
  static final class Setup {
    final CacheFixture fixture;
    final ImageBackend backend;
    final Path instances;
    private int images;

    Setup(Path root, String extraConfig) throws Exception {
      fixture = CacheFixture.create(root, extraConfig);
      backend = Backends.create(BackendContext.of(fixture.conf, fixture.cache), "ploop");
      instances = fixture.conf.path(Key.INSTANCES_PATH);
    }

    CacheEntry add(byte[] image) throws Exception {
      return fixture.add("image-" + images++, image);
    }
  }
}
