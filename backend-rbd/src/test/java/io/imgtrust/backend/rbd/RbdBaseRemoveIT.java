package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing clone mode's verified bases ({@link RbdBackend#removeBases}) and the warn-mode hand-over of an unverified
 * base, on the real cluster; each test has its own pool.
 */
class RbdBaseRemoveIT {
  private static final int SIZE = 5 * 1024 * 1024 + 3;
  @TempDir Path root;
  private String pool;
  private RbdBackend backend;
  private CacheFixture fixture;
  private CacheEntry entry;

  @BeforeEach
  void setUp() throws Exception {
    pool = CephTestCluster.newPool("baserm");
    Path key = CephTestCluster.clusterKey(root.resolve("cluster.key"));
    fixture = CacheFixture.create(root.resolve("host"), "mode = warn\n" + CephTestCluster.cloneConfig(pool, key));
    backend = (RbdBackend) Backends.create(BackendContext.of(fixture.conf, fixture.cache), "rbd");
    entry = fixture.add("img", CacheFixture.randomImage(SIZE, 7));
  }

  @AfterEach
  void tearDown() throws Exception {
    backend.close();
    CephTestCluster.deletePool(pool);
  }

  @Test
  void removeBases_whileACloneExists_refusedNamingTheCountBaseIntact() throws Exception {
    backend.prepare(SpawnRequest.of("vm-a", entry));
    String base = VerifiedBases.baseName(entry);

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> backend.removeBases("img"));

    assertThat(x).isNotNull();
    assertThat(x.reason()).isEqualTo(Reason.BASE_IN_USE);
    assertThat(x.getMessage()).contains("has 1 clone");
    assertThat(CephTestCluster.ls(pool)).contains(base, "vm-a_disk");
    assertThat(backend.listBases()).singleElement().satisfies(b -> {
      assertThat(b.get("name")).isEqualTo(pool + "/" + base);
      assertThat(b.get("clones")).isEqualTo(1);
    });
    backend.prepare(SpawnRequest.of("vm-b", entry)); // still a sealed base to clone
  }

  @Test
  void removeBases_afterTheCloneIsRemoved_removesBaseAndSetAsideOnes() throws Exception {
    backend.prepare(SpawnRequest.of("vm-a", entry));
    String base = VerifiedBases.baseName(entry);
    backend.remove("vm-a", "disk");
    CephTestCluster.run("rbd", "--conf", CephTestCluster.conf().toString(), "create", "--size", "1M",
        pool + "/" + base + "~rejected-0123");

    assertThat(backend.removeBases("img").get("removed")).asList().containsExactlyInAnyOrder(pool + "/" + base,
        pool + "/" + base + "~rejected-0123");

    assertThat(CephTestCluster.ls(pool)).isEmpty();
    assertThat(backend.listBases()).isEmpty();
  }

  @Test
  void removeBases_unknownImage_imageNotFoundNothingTouched() throws Exception {
    backend.prepare(SpawnRequest.of("vm-a", entry));

    ImageTrustException x = catchThrowableOfType(ImageTrustException.class, () -> backend.removeBases("nope"));

    assertThat(x).isNotNull();
    assertThat(x.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
    assertThat(CephTestCluster.ls(pool)).contains(VerifiedBases.baseName(entry), "vm-a_disk");
  }

  /** The base ensure makes (and holds under its lock) in warn mode from the entry with a rotted byte. */
  private VerifiedBases.Base<CopyReport> rottedBase() throws Exception {
    CacheFixture.rot(entry.file(), 1000);
    VerifiedImport imp = VerifiedImport.begin(BackendContext.of(fixture.conf, fixture.cache),
        SpawnRequest.of("vm-w", entry));
    VerifiedBases bases = new VerifiedBases(backend.pool(), ClusterKey.load(root.resolve("cluster.key")),
        Duration.ofSeconds(5), false);
    return bases.ensure(imp.entry(), imp::into);
  }

  @Test
  void ensure_warnModeFailedImport_notUnderTheBaseNameOnceTheLockIsReleased() throws Exception {
    try (VerifiedBases.Base<CopyReport> b = rottedBase()) {

      assertThat(b.unverified()).isTrue();
      assertThat(b.name).startsWith(VerifiedBases.baseName(entry) + VerifiedBases.UNVERIFIED);
      assertThat(CephTestCluster.ls(pool)).containsExactly(b.name);
    }
  }

  @Test
  void prepare_warnModeFailedImport_becomesTheDiskNoBaseLeft() throws Exception {
    CacheFixture.rot(entry.file(), 1000);

    backend.prepare(SpawnRequest.of("vm-w", entry));

    assertThat(CephTestCluster.ls(pool)).containsExactly("vm-w_disk");
  }

  @Test
  void removeBases_whileAWarnModeSpawnStillHoldsItsUnverifiedImport_waitsAndRemovesNothing() throws Exception {
    VerifiedBases.Base<CopyReport> b = rottedBase();
    try {
      ImageTrustException x = catchThrowableOfType(ImageTrustException.class,
          () -> new BaseRemoval(backend.pool(), Duration.ofSeconds(1)).remove("img"));

      assertThat(x).as("base-remove waits for the spawn's lock").isNotNull();
      assertThat(x.reason()).isEqualTo(Reason.LOCK_TIMEOUT);
      assertThat(CephTestCluster.ls(pool)).containsExactly(b.name);
    } finally {
      b.close();
    }
  }
}
