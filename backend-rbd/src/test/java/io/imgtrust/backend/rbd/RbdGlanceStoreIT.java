package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.StoredImage;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Glance on Ceph: a real Glance whose rbd store is the test cluster ({@link GlanceRbdStore}), clone mode taking the
 * image from Glance's snapshot, verified, without the cache. Each test has its own pool for the disks.
 */
class RbdGlanceStoreIT {
  private static final int SIZE = 9 * 1024 * 1024 + 7;
  private static final long DISK = 16L << 20;
  @TempDir Path root;
  private String pool;
  private Path clusterKey;
  private byte[] image;
  private final List<ImageBackend> backends = new ArrayList<>();
  private final List<CacheFixture> caches = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    pool = CephTestCluster.newPool("gstore");
    clusterKey = CephTestCluster.clusterKey(root.resolve("cluster.key"));
    image = CacheFixture.randomImage(SIZE, System.nanoTime());
  }

  @AfterEach
  void tearDown() throws Exception {
    backends.forEach(ImageBackend::close);
    CephTestCluster.deletePool(pool);
  }

  /** A "host": its own configuration and cache, the one cluster key, the rbd backend in clone mode. */
  private ImageBackend host(String name) throws Exception {
    return host(name, "");
  }

  private ImageBackend host(String name, String extra) throws Exception {
    CacheFixture f = CacheFixture.create(root.resolve(name), CephTestCluster.cloneConfig(pool, clusterKey) + extra);
    caches.add(f);
    ImageBackend b = Backends.create(BackendContext.of(f.conf, f.cache), "rbd");
    backends.add(b);
    return b;
  }

  private Optional<PreparedDisk> spawn(ImageBackend b, String instance, StoredImage img) throws Exception {
    return b.prepareFromStore(instance, img, OptionalLong.of(DISK));
  }

  private void assertNoCacheFile() throws Exception {
    for (CacheFixture f : caches) {
      assertThat(f.cache.list()).as("cache of %s", f.root).isEmpty();
    }
  }

  private List<String> bases() throws Exception {
    return CephTestCluster.ls(pool).stream().filter(i -> i.startsWith(VerifiedBases.PREFIX)).toList();
  }

  @Test
  void spawn_glanceSnapshotInThisCluster_verifiedOnceThenClonedByASecondHostWithoutReading() throws Exception {
    String id = GlanceRbdStore.upload(image);
    StoredImage img = GlanceRbdStore.stored(id);

    PreparedDisk first = spawn(host("a"), "vm-a", img).orElseThrow();
    PreparedDisk second = spawn(host("b"), "vm-b", img).orElseThrow();

    assertThat(first.report()).containsEntry("check", "passed").containsEntry("bytes_hashed", (long) SIZE)
        .containsEntry("source", "glance-rbd");
    assertThat(second.report()).containsEntry("check", "skipped").containsEntry("bytes_hashed", 0L);
    assertThat(second.report().get("base")).isEqualTo(first.report().get("base"));
    assertThat(bases()).containsExactly(StoreBases.baseName(id));
    byte[] disk = Files.readAllBytes(CephTestCluster.export(pool, "vm-b_disk", root));
    assertThat(disk).hasSize((int) DISK);
    assertThat(Arrays.copyOf(disk, SIZE)).isEqualTo(image);
    assertNoCacheFile();
  }

  @Test
  void spawn_glancePointedAtATamperedNewSnapshot_refusedNothingClonedNoBase() throws Exception {
    String id = GlanceRbdStore.upload(image);
    String fsid = CephTestCluster.ceph("fsid").trim();
    RbdLocation original = RbdLocation.parse(GlanceRbdStore.stored(id).locations().get(0)).orElseThrow();
    byte[] tampered = image.clone();
    tampered[SIZE / 2] ^= 1;
    Path file = Files.write(root.resolve("tampered.raw"), tampered);
    String evil = original.image + "-tampered";
    CephTestCluster.run("rbd", "import", file.toString(), original.pool + "/" + evil);
    CephTestCluster.run("rbd", "snap", "create", original.pool + "/" + evil + "@snap");
    CephTestCluster.run("rbd", "snap", "protect", original.pool + "/" + evil + "@snap");
    GlanceRbdStore.relocate(id, "rbd://" + fsid + "/" + original.pool + "/" + evil + "/snap");
    StoredImage img = GlanceRbdStore.stored(id);
    assertThat(img.locations()).allMatch(u -> u.contains(evil));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> spawn(host("a"), "vm-a", img));

    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(CephTestCluster.ls(pool)).isEmpty();
    assertNoCacheFile();
  }

  @Test
  void spawn_glanceImageInAnotherCluster_empty_theCachePathFetchesIt() throws Exception {
    String id = GlanceRbdStore.upload(image);
    StoredImage here = GlanceRbdStore.stored(id);
    String otherFsid = "00000000-0000-4000-8000-000000000000";
    StoredImage elsewhere = StoredImage.of(here.metadata(), here.locations().stream()
        .map(u -> u.replaceFirst("^rbd://[^/]+/", "rbd://" + otherFsid + "/")).toList());

    Optional<PreparedDisk> d = spawn(host("a"), "vm-a", elsewhere);

    assertThat(d).isEmpty();
    assertThat(CephTestCluster.ls(pool)).isEmpty();
  }

  @Test
  void spawn_importMode_empty() throws Exception {
    CacheFixture f = CacheFixture.create(root.resolve("imp"), CephTestCluster.config(pool));
    ImageBackend b = Backends.create(BackendContext.of(f.conf, f.cache), "rbd");
    backends.add(b);

    assertThat(spawn(b, "vm-a", GlanceRbdStore.stored(GlanceRbdStore.upload(image)))).isEmpty();
    assertThat(CephTestCluster.ls(pool)).isEmpty();
  }

  @Test
  void recheckAlways_storeBaseRereadPasses_thenARottedSnapshotIsRefusedAndRebuiltFromGlance() throws Exception {
    String id = GlanceRbdStore.upload(image);
    StoredImage img = GlanceRbdStore.stored(id);
    assertThat(spawn(host("a"), "vm-a", img)).isPresent();
    String base = StoreBases.baseName(id);

    PreparedDisk good = spawn(host("b", "recheck = always\n"), "vm-b", img).orElseThrow();
    forgeRottedBase(base);
    PreparedDisk rebuilt = spawn(host("c", "recheck = always\n"), "vm-c", img).orElseThrow();

    assertThat(good.report()).containsEntry("check", "passed").containsEntry("bytes_hashed", (long) SIZE);
    assertThat(rebuilt.report()).containsEntry("check", "passed").containsEntry("bytes_hashed", (long) SIZE);
    assertThat(CephTestCluster.ls(pool)).anyMatch(i -> i.startsWith(base + "~rejected-"));
    byte[] disk = Files.readAllBytes(CephTestCluster.export(pool, "vm-c_disk", root));
    assertThat(Arrays.copyOf(disk, SIZE)).isEqualTo(image);
  }

  /**
   * Puts in place of {@code base} an image whose snapshot has one flipped byte but whose seal verifies (made with the
   * cluster key over the base's own record, pointed at the new snapshot): as if the bytes rotted after sealing.
   */
  private void forgeRottedBase(String base) throws Exception {
    byte[] rotted = image.clone();
    rotted[SIZE / 3] ^= 1;
    CephTestCluster.importWithSnapshot(pool, "rotted", rotted, VerifiedBases.SNAPSHOT, root);
    Map<String, String> meta = CephTestCluster.metadata(pool, base);
    String body = meta.get(BaseSeal.BODY_KEY)
        .replaceFirst("(?m)^snap_id=.*$", "snap_id=" + CephTestCluster.snapId(pool, "rotted", VerifiedBases.SNAPSHOT))
        .replaceFirst("(?m)^base_image_id=.*$", "base_image_id=" + CephTestCluster.imageId(pool, "rotted"));
    for (Map.Entry<String, String> m : meta.entrySet()) {
      CephTestCluster.setMetadata(pool, "rotted", m.getKey(), m.getValue());
    }
    CephTestCluster.setMetadata(pool, "rotted", BaseSeal.BODY_KEY, body);
    CephTestCluster.setMetadata(pool, "rotted", BaseSeal.MAC_KEY, ClusterKey.load(clusterKey).mac(body));
    CephTestCluster.run("rbd", "rename", pool + "/" + base, pool + "/" + base + "-sealed");
    CephTestCluster.run("rbd", "rename", pool + "/rotted", pool + "/" + base);
  }
}
