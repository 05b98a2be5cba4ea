package io.imgtrust.backend.lvm;

import static io.imgtrust.core.testing.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lvm backend on real lvm2: a volume group on a loop-device PV (activation emulated, see
 * {@code scripts/lvm-emulation}), read back through the PV at the offsets lvm2's metadata gives.
 */
class LvmBackendIT {
  private static final int MIB = 1 << 20;

  @TempDir Path root;
  private LoopVg vg;
  private CacheFixture fixture;

  @BeforeEach
  void setUp() throws Exception {
    vg = LoopVg.create(root, 64);
    vg.fillWithPattern();
  }

  @AfterEach
  void tearDown() throws Exception {
    vg.close();
  }

  private ImageBackend backend(String lvmConfig) throws Exception {
    fixture = CacheFixture.create(root.resolve("host"), vg.config(lvmConfig));
    return Backends.create(BackendContext.of(fixture.conf, fixture.cache), "lvm");
  }

  /** 6 MiB + 5: random, a 2 MiB zero run, random, one 64 KiB zero block, random. */
  private static byte[] imageWithZeroRuns() {
    byte[] b = CacheFixture.randomImage(6 * MIB + 5, 3);
    Arrays.fill(b, MIB, 3 * MIB, (byte) 0);
    Arrays.fill(b, 4 * MIB, 4 * MIB + 65536, (byte) 0);
    return b;
  }

  @Test
  void prepare_onOldData_lvHoldsImageAtMetadataOffsetsZeroRunsAndTailReadZero() throws Exception {
    byte[] image = imageWithZeroRuns();
    try (ImageBackend b = backend("")) {
      CacheEntry e = fixture.add("img", image);
      PreparedDisk disk = b.prepare(SpawnRequest.of("vm-1", e).withSize(10L * MIB + 1));

      assertThat(vg.lvNames()).containsExactly("vm-1_disk");
      assertThat(disk.diskXml()).contains("<disk type='block'").contains("/dev/" + vg.name + "/vm-1_disk");
      assertThat(disk.report()).containsEntry("virtual_size", 12L * MIB); // 4 MiB extents
      byte[] lv = vg.readThroughPv("vm-1_disk", 0, 12 * MIB);
      assertThat(Arrays.copyOf(lv, image.length)).isEqualTo(image);
      assertThat(Arrays.copyOfRange(lv, image.length, lv.length)).as("tail past the image").containsOnly(0);
      assertThat(Arrays.copyOfRange(lv, MIB, 3 * MIB)).as("zero run").containsOnly(0);
      assertThat(Files.readAllBytes(Path.of(disk.target()))).as("the device the guest gets").isEqualTo(lv);
    }
  }

  @Test
  void prepare_volumeGroupTooSmall_volumeGroupFullAndNothingCreated() throws Exception {
    try (ImageBackend b = backend("")) {
      CacheEntry e = fixture.add("img", CacheFixture.randomImage(MIB, 5));

      ImageTrustException x = refused(Reason.VOLUME_GROUP_FULL,
          () -> b.prepare(SpawnRequest.of("vm-big", e).withSize(1L << 30)));

      assertThat(x.details()).containsEntry("volume_group", vg.name).containsEntry("needed_bytes", 1L << 30);
      assertThat(x.reason().exitCode()).isEqualTo(4);
      assertThat(vg.lvNames()).isEmpty();
      assertThat(fixture.cache.quarantined()).isEmpty();
    }
  }

  @Test
  void prepare_diskExists_targetExistsAndKept() throws Exception {
    byte[] image = CacheFixture.randomImage(MIB, 6);
    try (ImageBackend b = backend("")) {
      CacheEntry e = fixture.add("img", image);
      b.prepare(SpawnRequest.of("vm-1", e));

      refused(Reason.TARGET_EXISTS, () -> b.prepare(SpawnRequest.of("vm-1", e)));

      assertThat(vg.lvNames()).containsExactly("vm-1_disk");
      assertThat(vg.readThroughPv("vm-1_disk", 0, MIB)).isEqualTo(image);
    }
  }

  @Test
  void remove_volumeClearZero_extentsZeroedThenLvGone() throws Exception {
    try (ImageBackend b = backend("volume_clear = zero\n")) {
      CacheEntry e = fixture.add("img", CacheFixture.randomImage(6 * MIB, 7));
      b.prepare(SpawnRequest.of("vm-1", e));
      byte[] before = vg.readThroughPv("vm-1_disk", 0, 8 * MIB);
      assertThat(before).contains((byte) 1);
      long offset = vg.offsetOnPv("vm-1_disk");

      b.remove("vm-1", "disk");

      assertThat(vg.lvNames()).isEmpty();
      assertThat(vg.readPv(offset, 8 * MIB)).as("the freed extents").containsOnly(0);
    }
  }

  @Test
  void remove_volumeClearSizeOneMib_onlyTheFirstMibZeroed() throws Exception {
    byte[] image = CacheFixture.randomImage(4 * MIB, 8);
    try (ImageBackend b = backend("volume_clear = zero\nvolume_clear_size = 1\n")) {
      CacheEntry e = fixture.add("img", image);
      b.prepare(SpawnRequest.of("vm-1", e));
      long offset = vg.offsetOnPv("vm-1_disk");

      b.remove("vm-1", "disk");

      byte[] after = vg.readPv(offset, 4 * MIB);
      assertThat(Arrays.copyOf(after, MIB)).containsOnly(0);
      assertThat(Arrays.copyOfRange(after, MIB, 4 * MIB)).isEqualTo(Arrays.copyOfRange(image, MIB, 4 * MIB));
    }
  }

  @Test
  void remove_volumeClearNone_nextImportStillZeroesTheTail() throws Exception {
    try (ImageBackend b = backend("volume_clear = none\n")) {
      CacheEntry big = fixture.add("big", CacheFixture.randomImage(8 * MIB, 9));
      b.prepare(SpawnRequest.of("vm-1", big));
      b.remove("vm-1", "disk");
      CacheEntry small = fixture.add("small", CacheFixture.randomImage(MIB, 10));

      b.prepare(SpawnRequest.of("vm-2", small).withSize(8L * MIB));

      byte[] lv = vg.readThroughPv("vm-2_disk", 0, 8 * MIB);
      assertThat(Arrays.copyOfRange(lv, MIB, 8 * MIB)).as("the earlier tenant's bytes").containsOnly(0);
    }
  }

  @Test
  void prepare_killedMidImport_nothingLooksLikeTheDiskAndTheNextPrepareWorks() throws Exception {
    vg.close();
    vg = LoopVg.create(root, 512);
    byte[] image = CacheFixture.randomImage(160 * MIB, 12);
    try (ImageBackend b = backend("")) {
      CacheEntry e = fixture.add("img", image);
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), KilledImport.class.getName(), fixture.config.toString(), "img",
          "vm-k").inheritIO().start();
      List<String> seen = awaitTemporary(child);
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

      assertThat(seen).as("killed while importing").singleElement().asString().startsWith("vm-k_disk.import-");
      assertThat(vg.lvNames()).doesNotContain("vm-k_disk").allMatch(n -> n.startsWith("vm-k_disk.import-"));

      PreparedDisk disk = b.prepare(SpawnRequest.of("vm-k", e));

      assertThat(vg.lvNames()).containsExactly("vm-k_disk");
      assertThat(CacheFixture.sha256(Files.readAllBytes(Path.of(disk.target()))))
          .isEqualTo(CacheFixture.sha256(image));
    }
  }

  private List<String> awaitTemporary(Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && child.isAlive()) {
      List<String> names = vg.lvNames();
      if (!names.isEmpty()) {
        return names;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the child made no LV (alive: " + child.isAlive() + ")");
  }
}
