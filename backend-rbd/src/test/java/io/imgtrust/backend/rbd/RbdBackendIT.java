package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rbd backend against the real cluster ({@code scripts/ceph-up.sh}), checked with Ceph's and QEMU's own tools:
 * {@code rbd export}, {@code rbd ls}, {@code qemu-img compare} through QEMU's rbd driver.
 */
class RbdBackendIT {
  private static final int MIB = 1024 * 1024;
  private static String pool;

  @TempDir Path root;
  private CacheFixture fixture;
  private ImageBackend backend;

  @BeforeAll
  static void makePool() throws Exception {
    pool = CephTestCluster.newPool("backend");
  }

  @AfterAll
  static void dropPool() throws Exception {
    CephTestCluster.deletePool(pool);
  }

  @BeforeEach
  void setUp() throws Exception {
    fixture = CacheFixture.create(root, CephTestCluster.config(pool));
    backend = Backends.create(BackendContext.of(fixture.conf, fixture.cache), "rbd");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (String image : CephTestCluster.ls(pool)) {
      CephTestCluster.run("rbd", "rm", "--no-progress", pool + "/" + image);
    }
    backend.close();
  }

  @Test
  void prepare_grownOddImage_exportIsImageThenZerosAndQemuImgComparesIdentical() throws Exception {
    byte[] image = CacheFixture.randomImage(9 * MIB + 12345, 1);
    CacheEntry e = fixture.add("img", image);
    long size = 20L * MIB;

    PreparedDisk disk = backend.prepare(SpawnRequest.of("vm", e).withSize(size));

    assertThat(disk.target()).isEqualTo(pool + "/vm_disk");
    assertThat(CephTestCluster.ls(pool)).containsExactly("vm_disk");
    byte[] exported = Files.readAllBytes(CephTestCluster.export(pool, "vm_disk", root));
    assertThat(exported).hasSize((int) size);
    assertThat(Arrays.copyOf(exported, image.length)).isEqualTo(image);
    assertThat(Arrays.copyOfRange(exported, image.length, (int) size)).containsOnly((byte) 0);
    CephTestCluster.Result cmp = CephTestCluster.tryRun("qemu-img", "compare", "-f", "raw", "-F", "raw",
        e.file().toString(), "rbd:" + pool + "/vm_disk:conf=" + CephTestCluster.conf());
    assertThat(cmp.rc).as(cmp.out + cmp.err).isZero();
    assertThat(cmp.out).contains("Images are identical");
    assertThat(disk.report()).containsEntry("virtual_size", size).containsEntry("check", "passed");
  }

  @Test
  void prepare_mostlyZeroImage_writesOnlyTheDataAndExportIsTheImage() throws Exception {
    byte[] image = new byte[16 * MIB];
    byte[] data = CacheFixture.randomImage(MIB, 2);
    System.arraycopy(data, 0, image, 5 * MIB + 4096, data.length);
    CacheEntry e = fixture.add("zeros", image);

    PreparedDisk disk = backend.prepare(SpawnRequest.of("vm", e));

    assertThat((Long) disk.report().get("bytes_written")).isLessThanOrEqualTo(MIB + 64 * 1024L);
    assertThat(Files.readAllBytes(CephTestCluster.export(pool, "vm_disk", root))).isEqualTo(image);
  }

  @Test
  void prepare_flippedCacheByte_digestMismatchRbdLsEmptyEntryQuarantined() throws Exception {
    CacheEntry e = fixture.add("rot", CacheFixture.randomImage(12 * MIB, 3));
    CacheFixture.rot(e.file(), 9L * MIB + 77);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> backend.prepare(SpawnRequest.of("vm", e)));

    assertThat(x.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(x.details()).containsEntry("chunk", 2L);
    assertThat(CephTestCluster.ls(pool)).as("no instance image, no temporary").isEmpty();
    assertThat(fixture.cache.quarantined()).hasSize(1);
  }

  @Test
  void prepare_leftoverOfAKilledImport_removedAndTheDiskMade() throws Exception {
    CephTestCluster.run("rbd", "create", "--size", "4M", pool + "/vm_disk" + RbdImport.TEMPORARY + "0dead0");
    CacheEntry e = fixture.add("img", CacheFixture.randomImage(3 * MIB, 4));

    backend.prepare(SpawnRequest.of("vm", e));

    assertThat(CephTestCluster.ls(pool)).containsExactly("vm_disk");
  }

  @Test
  void prepare_diskExists_targetExistsAndTheImageKept() throws Exception {
    CephTestCluster.run("rbd", "create", "--size", "4M", pool + "/vm_disk");
    CacheEntry e = fixture.add("img", CacheFixture.randomImage(3 * MIB, 5));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
        () -> backend.prepare(SpawnRequest.of("vm", e)));

    assertThat(x.reason()).isEqualTo(Reason.TARGET_EXISTS);
    assertThat(CephTestCluster.ls(pool)).containsExactly("vm_disk");
    assertThat(CephTestCluster.run("rbd", "info", pool + "/vm_disk")).contains("size 4 MiB");
  }

  @Test
  void remove_preparedDisk_imageGoneAndSecondRemoveIsNoError() throws Exception {
    CacheEntry e = fixture.add("img", CacheFixture.randomImage(3 * MIB, 6));
    backend.prepare(SpawnRequest.of("vm", e));

    backend.remove("vm", "disk");
    backend.remove("vm", "disk");

    assertThat(CephTestCluster.ls(pool)).isEmpty();
  }

  @Test
  void prepare_diskXml_networkRbdWithMonitorsAndSecretNeverTheKey() throws Exception {
    CacheEntry e = fixture.add("img", CacheFixture.randomImage(MIB, 7));
    String key = CephTestCluster.run("ceph", "auth", "get-key", "client.admin").trim();

    String xml = backend.prepare(SpawnRequest.of("vm", e)).diskXml();

    assertThat(xml).contains("protocol='rbd' name='" + pool + "/vm_disk'").contains("<host name='127.0.0.1'")
        .contains("<auth username='admin'><secret type='ceph' uuid='" + CephTestCluster.SOME_SECRET + "'/>")
        .doesNotContain(key);
  }

  @Test
  void prepare_poolOverQuota_cephErrorAtOnceNamingTheQuotaNothingLeft() throws Exception {
    String full = CephTestCluster.newPool("quota");
    try {
      CephTestCluster.ceph("osd", "pool", "set-quota", full, "max_bytes", Long.toString(8L * MIB));
      Path filler = Files.write(root.resolve("filler"), CacheFixture.randomImage(12 * MIB, 8));
      CephTestCluster.run("rados", "-p", full, "put", "filler", filler.toString());
      awaitFull(full);
      CacheFixture f = CacheFixture.create(root.resolve("q"), CephTestCluster.config(full)
          .replace("rbd_connect_timeout = 5", "rbd_connect_timeout = 2"));
      try (ImageBackend b = Backends.create(BackendContext.of(f.conf, f.cache), "rbd")) {
        CacheEntry e = f.add("img", CacheFixture.randomImage(6 * MIB, 9));
        long t0 = System.nanoTime();

        ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
            () -> b.prepare(SpawnRequest.of("vm", e)));

        assertThat(x.reason()).isEqualTo(Reason.CEPH_ERROR);
        assertThat(x.reason().kind().exitCode()).isEqualTo(4);
        assertThat(x.details().get("errno")).isIn("EDQUOT", "ENOSPC");
        assertThat(x.getMessage()).contains("quota");
        assertThat((System.nanoTime() - t0) / 1_000_000_000.0).as("no wait for room").isLessThan(5);
        assertThat(CephTestCluster.ls(full)).isEmpty();
        assertThat(f.cache.quarantined()).as("the entry is fine").isEmpty();
      }
    } finally {
      CephTestCluster.deletePool(full);
    }
  }

  @Test
  void prepare_deadCluster_cephErrorWithinConnectTimeout() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path dead = root.resolve("dead.conf");
    Files.writeString(dead, Files.readString(CephTestCluster.conf()).replaceAll("(?m)^mon host = .*$",
        "mon host = 127.0.0.1:" + port));
    CacheFixture f = CacheFixture.create(root.resolve("d"), "[libvirt]\nimages_rbd_ceph_conf = " + dead
        + "\nrbd_secret_uuid = " + CephTestCluster.SOME_SECRET + "\nrbd_connect_timeout = 2\n");
    try (ImageBackend b = Backends.create(BackendContext.of(f.conf, f.cache), "rbd")) {
      CacheEntry e = f.add("img", CacheFixture.randomImage(MIB, 10));
      long t0 = System.nanoTime();

      ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
          () -> b.prepare(SpawnRequest.of("vm", e)));

      double took = (System.nanoTime() - t0) / 1_000_000_000.0;
      assertThat(x.reason()).isEqualTo(Reason.CEPH_ERROR);
      assertThat(x.details()).containsEntry("errno", "ETIMEDOUT");
      assertThat(x.getMessage()).contains("rbd_connect_timeout = 2 s").contains(dead.toString());
      assertThat(took).isBetween(1.5, 2 + 3.0);
    }
  }

  private static void awaitFull(String pool) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (CephTestCluster.ceph("osd", "pool", "ls", "detail").lines()
          .anyMatch(l -> l.contains("'" + pool + "'") && l.contains("full_quota"))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("pool " + pool + " never became full");
  }
}
