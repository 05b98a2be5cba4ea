package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.base.Ticker;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.spi.VerifiedImport;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clone mode against a hostile writer of the pool (it can create, write, rename and snapshot images and write their
 * metadata, but does not hold the cluster key), on the real cluster: {@link BaseSeam}s act at the moments a race
 * would need, the rest is done with the {@code rbd} tool as such a writer would. Each test has its own pool.
 */
class RbdBaseAttackIT {
  private static final int SIZE = 9 * 1024 * 1024 + 7;
  @TempDir Path root;
  private String pool;
  private final List<String> pools = new ArrayList<>();
  private final List<RbdBackend> backends = new ArrayList<>();
  private Path key;
  private byte[] image;
  private byte[] tampered;

  @BeforeEach
  void setUp() throws Exception {
    pool = newPool();
    key = CephTestCluster.clusterKey(root.resolve("cluster.key"));
    image = CacheFixture.randomImage(SIZE, 41);
    tampered = image.clone();
    tampered[SIZE / 2] ^= 1;
  }

  @AfterEach
  void tearDown() throws Exception {
    backends.forEach(RbdBackend::close);
    for (String p : pools) {
      CephTestCluster.deletePool(p);
    }
  }

  private String newPool() throws Exception {
    String p = CephTestCluster.newPool("attack");
    pools.add(p);
    return p;
  }

  /** A host in clone mode on {@code inPool}, its cache holding the image. */
  private final class Host {
    final RbdBackend backend;
    final CacheFixture fixture;
    final CacheEntry entry;

    Host(String name, String inPool) throws Exception {
      fixture = CacheFixture.create(root.resolve(name), CephTestCluster.cloneConfig(inPool, key));
      backend = (RbdBackend) Backends.create(BackendContext.of(fixture.conf, fixture.cache), "rbd");
      backends.add(backend);
      entry = fixture.add("img", image);
    }

    VerifiedBases bases(BaseSeam seam) throws Exception {
      return new VerifiedBases(backend.pool(), ClusterKey.load(key), Duration.ofSeconds(10), false, seam);
    }

    VerifiedImport importOf(String instance) throws Exception {
      return VerifiedImport.begin(BackendContext.of(fixture.conf, fixture.cache), SpawnRequest.of(instance, entry));
    }

    byte[] disk(String instance) throws Exception {
      return CephTestCluster.readDisk(pool(), pool() + "/" + instance + "_disk", SIZE, root);
    }

    String pool() throws Exception {
      return backend.pool().name();
    }
  }

  private static boolean sealed(String pool, String image) throws Exception {
    return CephTestCluster.metadata(pool, image).containsKey(BaseSeal.BODY_KEY);
  }

  /** A writer's action on the temporary base, by name. */
  @FunctionalInterface
  private interface Attack {
    void on(String tmp) throws Exception;
  }

  /** What making {@code h}'s base throws when {@code attack} acts on the temporary just before its snapshot. */
  private static ImageTrustException buildWith(Host h, Attack attack) throws Exception {
    VerifiedImport imp = h.importOf("vm-a");
    VerifiedBases bases = h.bases((point, tmp) -> {
      if (point == BaseSeam.Point.BEFORE_SNAPSHOT) {
        attack.on(tmp);
      }
    });
    return catchThrowableOfType(ImageTrustException.class, () -> bases.ensure(imp.entry(), imp::into).close());
  }

  @Test
  void build_temporaryOverwrittenBeforeTheSnapshot_digestMismatchNothingSealedNothingLeft() throws Exception {
    Host h = new Host("a", pool);

    ImageTrustException e = buildWith(h, tmp -> CephTestCluster.run("rbd", "bench", "--io-type", "write",
        "--io-size", "4096", "--io-threads", "1", "--io-total", "4096", pool + "/" + tmp));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(e.getMessage()).contains("chunk 0");
    assertThat(CephTestCluster.ls(pool)).isEmpty();
  }

  @Test
  void build_temporarySwappedBeforeTheSnapshot_refusedNothingSealedUnderTheBaseName() throws Exception {
    Host h = new Host("a", pool);
    String base = VerifiedBases.baseName(h.entry);

    ImageTrustException e = buildWith(h, tmp -> {
      CephTestCluster.run("rbd", "rename", pool + "/" + tmp, pool + "/stolen");
      CephTestCluster.importWithSnapshot(pool, tmp, tampered, "other", root);
    });

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.RECORD_INVALID);
    assertThat(CephTestCluster.ls(pool)).contains(base);
    assertThat(sealed(pool, base)).as("the swapped-in image under the base name is not sealed").isFalse();
    h.backend.prepare(SpawnRequest.of("vm-b", h.entry));
    assertThat(h.disk("vm-b")).as("the next spawn sets the unsealed image aside and rebuilds").isEqualTo(image);
  }

  @Test
  void build_baseNameTakenBeforeTheRename_targetExistsNoTemporaryLeftNextSpawnWorks() throws Exception {
    Host h = new Host("a", pool);
    String base = VerifiedBases.baseName(h.entry);

    ImageTrustException e = buildWith(h, tmp -> CephTestCluster.run("rbd", "create", "--size", "1M",
        pool + "/" + base));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.TARGET_EXISTS);
    assertThat(CephTestCluster.ls(pool)).as("the temporary base was closed and removed").containsExactly(base);
    h.backend.prepare(SpawnRequest.of("vm-b", h.entry));
    assertThat(h.disk("vm-b")).as("the next spawn sets the writer's image aside and rebuilds").isEqualTo(image);
    assertThat(CephTestCluster.ls(pool)).noneMatch(i -> i.contains(RbdImport.TEMPORARY));
  }

  @Test
  void clone_baseSwappedAfterItsSealWasChecked_refusedNoCloneLeft() throws Exception {
    Host h = new Host("a", pool);
    h.backend.prepare(SpawnRequest.of("vm-a", h.entry));
    String base = VerifiedBases.baseName(h.entry);
    CephTestCluster.importWithSnapshot(pool, "evil", tampered, VerifiedBases.SNAPSHOT, root);
    VerifiedBases bases = h.bases((point, name) -> {
      if (point == BaseSeam.Point.BEFORE_CLONE) {
        CephTestCluster.run("rbd", "rename", pool + "/" + name, pool + "/" + name + "-real");
        CephTestCluster.run("rbd", "rename", pool + "/evil", pool + "/" + name);
      }
    });
    VerifiedImport imp = h.importOf("vm-b");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> {
      try (VerifiedBases.Base<CopyReport> b = bases.ensure(imp.entry(), imp::into)) {
        bases.cloneAs(b, "vm-b_disk", SIZE);
      }
    });

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.RECORD_INVALID);
    assertThat(e.getMessage()).contains("not the sealed");
    assertThat(CephTestCluster.ls(pool)).noneMatch(i -> i.startsWith("vm-b"));
    assertThat(CephTestCluster.ls(pool)).contains(base, base + "-real", "vm-a_disk");
  }

  @Test
  void seal_replayedOnAnImageInAnotherPool_refusedSetAsideAndRebuilt() throws Exception {
    Host a = new Host("a", pool);
    a.backend.prepare(SpawnRequest.of("vm-a", a.entry));
    String base = VerifiedBases.baseName(a.entry);
    long snapId = CephTestCluster.snapId(pool, base, VerifiedBases.SNAPSHOT);
    Map<String, String> meta = CephTestCluster.metadata(pool, base);
    String other = newPool();
    replayWithSnapId(other, base, snapId);
    meta.forEach((k, v) -> uncheckedSet(other, base, k, v));
    Host b = new Host("b", other);

    b.backend.prepare(SpawnRequest.of("vm-b", b.entry));

    assertThat(b.disk("vm-b")).as("the disk is the image, not the replayed base's bytes").isEqualTo(image);
    assertThat(CephTestCluster.ls(other)).anyMatch(i -> i.startsWith(base + "~rejected-"));
  }

  /** Makes {@code pool/name} from the tampered bytes with its snapshot {@code imgtrust} at id {@code snapId}. */
  private void replayWithSnapId(String inPool, String name, long snapId) throws Exception {
    CephTestCluster.run("rbd", "import", "--no-progress", java.nio.file.Files.write(root.resolve("tampered.raw"),
        tampered).toString(), inPool + "/" + name);
    String spec = inPool + "/" + name + "@" + VerifiedBases.SNAPSHOT;
    for (int i = 0; i < 100; i++) {
      CephTestCluster.run("rbd", "snap", "create", spec);
      long id = CephTestCluster.snapId(inPool, name, VerifiedBases.SNAPSHOT);
      if (id == snapId) {
        CephTestCluster.run("rbd", "snap", "protect", spec);
        return;
      }
      assertThat(id).as("snapshot ids of pool %s passed %d", inPool, snapId).isLessThan(snapId);
      CephTestCluster.run("rbd", "snap", "rm", spec);
    }
    throw new AssertionError("no snapshot id " + snapId + " in " + inPool);
  }

  private static void uncheckedSet(String pool, String image, String key, String value) {
    try {
      CephTestCluster.setMetadata(pool, image, key, value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void lock_noRenewalWithinItsDuration_checkFailsThoughNoRenewalFailed() throws Exception {
    Host h = new Host("a", pool);
    AtomicLong nanos = new AtomicLong();
    Ticker paused = new Ticker() {
      @Override
      public long read() {
        return nanos.get();
      }
    };

    try (BaseLock held = BaseLock.acquire(h.backend.pool(), "imgtrust-base_x", Duration.ofSeconds(30), paused)) {
      held.check();
      nanos.addAndGet(Duration.ofSeconds(30).toNanos()); // a pause (GC, VM) or a hung renewal: none ran since

      ImageTrustException e = catchThrowableOfType(ImageTrustException.class, held::check);

      assertThat(e).as("the lock may have expired").isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
    }
  }

  @Test
  void lock_heldLongerThanItsDuration_renewedSoAnotherStillWaits() throws Exception {
    Host h = new Host("a", pool);
    RbdPool p = h.backend.pool();

    try (BaseLock held = BaseLock.acquire(p, "imgtrust-base_x", Duration.ofSeconds(2))) {
      Thread.sleep(5000);

      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> BaseLock.acquire(p, "imgtrust-base_x", Duration.ofSeconds(1)).close());

      assertThat(e).as("the first holder's lock was renewed past its 2 s").isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
      held.check();
    }
    BaseLock.acquire(p, "imgtrust-base_x", Duration.ofSeconds(1)).close();
  }
}
