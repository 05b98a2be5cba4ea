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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clone mode across "hosts" (configurations with their own instances_path and host key, one cluster, one cluster
 * key) on the real cluster; each test has its own pool.
 */
class RbdCloneIT {
  private static final int SIZE = 9 * 1024 * 1024 + 7;
  @TempDir Path root;
  private String pool;
  private Path clusterKey;
  private byte[] image;
  private final List<ImageBackend> backends = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    pool = CephTestCluster.newPool("clone");
    clusterKey = CephTestCluster.clusterKey(root.resolve("cluster.key"));
    image = CacheFixture.randomImage(SIZE, 31);
  }

  @AfterEach
  void tearDown() throws Exception {
    backends.forEach(ImageBackend::close);
    CephTestCluster.deletePool(pool);
  }

  /** A host: its own cache (instances_path, host key) holding the image, and a backend in clone mode. */
  private final class Host {
    final ImageBackend backend;
    final CacheEntry entry;

    Host(String name, Path key, String extra) throws Exception {
      CacheFixture f = CacheFixture.create(root.resolve(name), CephTestCluster.cloneConfig(pool, key) + extra);
      backend = Backends.create(BackendContext.of(f.conf, f.cache), "rbd");
      backends.add(backend);
      entry = f.add("img", image);
    }

    PreparedDisk spawn(String instance) throws Exception {
      return backend.prepare(SpawnRequest.of(instance, entry).withSize(16L << 20));
    }
  }

  private String base() throws Exception {
    return CephTestCluster.ls(pool).stream().filter(i -> i.startsWith(VerifiedBases.PREFIX) && !i.contains("~"))
        .findFirst().orElseThrow();
  }

  private void assertDiskIsImage(PreparedDisk d) throws Exception {
    String name = d.target().substring(pool.length() + 1);
    byte[] exported = Files.readAllBytes(CephTestCluster.export(pool, name, root));
    assertThat(exported).hasSize(16 << 20);
    assertThat(Arrays.copyOf(exported, SIZE)).isEqualTo(image);
  }

  @Test
  void secondHost_clonesTheBaseTheFirstVerifiedWithoutHashing() throws Exception {
    Host a = new Host("a", clusterKey, "");
    Host b = new Host("b", clusterKey, "");

    PreparedDisk first = a.spawn("vm-a");
    PreparedDisk second = b.spawn("vm-b");

    assertThat((Long) first.report().get("bytes_verified")).isEqualTo(SIZE);
    assertThat(second.report()).containsEntry("bytes_hashed", 0L).containsEntry("check", "skipped");
    assertThat(String.valueOf(second.report().get("verified"))).contains("seal");
    assertThat(second.report().get("base")).isEqualTo(first.report().get("base"));
    assertThat(CephTestCluster.run("rbd", "info", pool + "/vm-b_disk")).contains("parent: " + pool + "/" + base()
        + "@" + VerifiedBases.SNAPSHOT);
    assertDiskIsImage(first);
    assertDiskIsImage(second);
  }

  @Test
  void clone_carriesNoneOfTheBaseSealMetadata() throws Exception {
    Host a = new Host("a", clusterKey, "");

    a.spawn("vm-a");
    a.spawn("vm-b");

    assertThat(CephTestCluster.metadata(pool, base()).keySet()).as("the base keeps its seal")
        .contains(BaseSeal.BODY_KEY, BaseSeal.MAC_KEY, BaseSeal.CHUNKS_KEY);
    for (String disk : List.of("vm-a_disk", "vm-b_disk")) {
      assertThat(CephTestCluster.metadata(pool, disk).keySet()).as(disk).noneMatch(k -> k.startsWith("imgtrust.base"));
    }
  }

  @Test
  void handEditedBaseMetadata_refusedSetAsideAndRebuilt() throws Exception {
    Host a = new Host("a", clusterKey, "");
    a.spawn("vm-a");
    String base = base();
    String body = CephTestCluster.run("rbd", "image-meta", "get", pool + "/" + base, BaseSeal.BODY_KEY);
    CephTestCluster.run("rbd", "image-meta", "set", pool + "/" + base, BaseSeal.BODY_KEY,
        body.replaceFirst("sealed_by=.*", "sealed_by=someone else"));
    Host b = new Host("b", clusterKey, "");

    PreparedDisk d = b.spawn("vm-b");

    assertThat((Long) d.report().get("bytes_verified")).as("rebuilt from the cache").isEqualTo(SIZE);
    assertThat(CephTestCluster.ls(pool)).anyMatch(i -> i.startsWith(base + "~rejected-"));
    assertThat(CephTestCluster.run("rbd", "image-meta", "get", pool + "/" + base(), BaseSeal.BODY_KEY))
        .doesNotContain("someone else");
    assertDiskIsImage(d);
  }

  @Test
  void otherClusterKey_badConfigNamingBothFingerprints_baseLeftAlone() throws Exception {
    new Host("a", clusterKey, "").spawn("vm-a");
    String base = base();
    String sealed = CephTestCluster.run("rbd", "image-meta", "get", pool + "/" + base, BaseSeal.BODY_KEY);
    Path otherKey = CephTestCluster.clusterKey(root.resolve("other.key"));
    Host other = new Host("b", otherKey, "");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> other.spawn("vm-b"));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains(ClusterKey.load(clusterKey).fingerprint())
        .contains(ClusterKey.load(otherKey).fingerprint());
    assertThat(CephTestCluster.ls(pool)).containsExactlyInAnyOrder(base, "vm-a_disk");
    assertThat(CephTestCluster.run("rbd", "image-meta", "get", pool + "/" + base, BaseSeal.BODY_KEY))
        .isEqualTo(sealed);
  }

  @Test
  void recheckAlways_rereadsTheSnapshotAndChecksEveryChunk() throws Exception {
    new Host("a", clusterKey, "").spawn("vm-a");
    Host b = new Host("b", clusterKey, "recheck = always\n");

    PreparedDisk d = b.spawn("vm-b");

    assertThat(d.report()).containsEntry("check", "passed").containsEntry("bytes_hashed", (long) SIZE);
    assertThat(CephTestCluster.ls(pool)).noneMatch(i -> i.contains("~rejected-"));
    assertDiskIsImage(d);
  }

  @Test
  void eightConcurrentSpawns_oneBaseOneVerificationEightCorrectClones() throws Exception {
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      hosts.add(new Host("h" + i, clusterKey, ""));
    }
    ExecutorService pool8 = Executors.newFixedThreadPool(8);
    List<PreparedDisk> disks = new ArrayList<>();
    try {
      List<Future<PreparedDisk>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Host h = hosts.get(i);
        String instance = "vm-" + i;
        futures.add(pool8.submit(() -> h.spawn(instance)));
      }
      for (Future<PreparedDisk> f : futures) {
        disks.add(f.get());
      }
    } finally {
      pool8.shutdownNow();
    }

    assertThat(disks.stream().filter(d -> d.report().containsKey("bytes_verified"))).hasSize(1);
    assertThat(disks.stream().filter(d -> Long.valueOf(0).equals(d.report().get("bytes_hashed")))).hasSize(7);
    assertThat(CephTestCluster.ls(pool).stream().filter(i -> i.startsWith(VerifiedBases.PREFIX))).hasSize(1);
    assertThat(CephTestCluster.ls(pool).stream().filter(i -> i.startsWith("vm-"))).hasSize(8);
    for (PreparedDisk d : disks) {
      assertDiskIsImage(d);
    }
  }
}
