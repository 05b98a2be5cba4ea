package io.imgtrust.host;

import static io.imgtrust.core.testing.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgtrust.core.Reason;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImgtrustHost} with test-copy and probe backends; libvirt only as its in-process test driver. */
class ImgtrustHostTest {
  private static final byte[] IMAGE = CacheFixture.randomImage(3 << 20, 7);

  @TempDir Path dir;
  private CacheFixture fx;

  @BeforeEach
  void setUp() throws Exception {
    fx = CacheFixture.create(dir, "");
  }

  private Path disk(String instance) {
    return dir.resolve("instances").resolve(instance).resolve("disk");
  }

  @Test
  void prepare_cachedImage_diskHoldsTheImageAndResultNamesBackendAndTimings() throws Exception {
    fx.add("img-1", IMAGE);
    try (ImgtrustHost host = ImgtrustHost.open(fx.conf)) {
      Spawned s = host.prepare(Spawn.of("vm-1", "img-1").withImagesType("test-copy"));

      assertThat(Files.readAllBytes(disk("vm-1"))).isEqualTo(IMAGE);
      assertThat(s.disk().target()).isEqualTo(disk("vm-1").toString());
      assertThat(s.backend()).isEqualTo("test-copy");
      assertThat(s.timingsMs()).containsOnlyKeys("cache_ms", "prepare_ms");
      assertThat(s.domain()).isEmpty();
    }
  }

  @Test
  void prepare_withDownload_fillsTheCacheFirst() throws Exception {
    Path download = Files.write(dir.resolve("download.raw"), IMAGE);
    try (ImgtrustHost host = ImgtrustHost.open(fx.conf)) {
      host.prepare(Spawn.of("vm-1", "img-2").withImagesType("test-copy")
          .withDownload(download, CacheFixture.rawMetadata("img-2", IMAGE)));

      assertThat(host.cache().find("img-2")).isPresent();
      assertThat(Files.readAllBytes(disk("vm-1"))).isEqualTo(IMAGE);
    }
  }

  @Test
  void prepare_notCachedAndNoDownload_refusedNothingMade() throws Exception {
    try (ImgtrustHost host = ImgtrustHost.open(fx.conf)) {
      refused(Reason.NOT_CACHED, () -> host.prepare(Spawn.of("vm-1", "img-9").withImagesType("test-copy")));
      assertThat(disk("vm-1").getParent()).doesNotExist();
    }
  }

  @Test
  void prepare_metadataOfAnotherImage_usageAndCacheNotFilled() throws Exception {
    Path download = Files.write(dir.resolve("download.raw"), IMAGE);
    try (ImgtrustHost host = ImgtrustHost.open(fx.conf)) {
      refused(Reason.USAGE, () -> host.prepare(Spawn.of("vm-1", "img-1").withImagesType("test-copy")
          .withDownload(download, CacheFixture.rawMetadata("img-other", IMAGE))));
      assertThat(host.cache().find("img-other")).isEmpty();
    }
  }

  @Test
  void prepare_instanceNameWithPath_usage() throws Exception {
    fx.add("img-1", IMAGE);
    try (ImgtrustHost host = ImgtrustHost.open(fx.conf)) {
      refused(Reason.USAGE, () -> host.prepare(Spawn.of("../etc", "img-1").withImagesType("test-copy")));
    }
  }

  @Test
  void prepare_unknownImagesType_badConfig() throws Exception {
    fx.add("img-1", IMAGE);
    try (ImgtrustHost host = ImgtrustHost.open(fx.conf)) {
      refused(Reason.BAD_CONFIG, () -> host.prepare(Spawn.of("vm-1", "img-1").withImagesType("no-such")));
    }
  }

  @Test
  void prepare_concurrentInstances_allSucceedAndTheBackendIsCreatedOnce() throws Exception {
    fx.add("img-1", IMAGE);
    int created = CountingProbeProvider.CREATED.get();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (ImgtrustHost host = ImgtrustHost.open(fx.conf)) {
      List<Callable<Spawned>> spawns = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String vm = "vm-" + i;
        spawns.add(() -> host.prepare(Spawn.of(vm, "img-1").withImagesType("counting-probe")));
        spawns.add(() -> host.prepare(Spawn.of(vm, "img-1").withImagesType("test-copy")));
      }
      for (Future<Spawned> f : pool.invokeAll(spawns)) {
        assertThat(f.get().disk().target()).isNotEmpty();
      }
      for (int i = 0; i < 8; i++) {
        assertThat(Files.readAllBytes(disk("vm-" + i))).isEqualTo(IMAGE);
      }
      assertThat(CountingProbeProvider.CREATED.get() - created).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void close_closesTheBackendOnceAndTheHostRefusesUseAfter() throws Exception {
    fx.add("img-1", IMAGE);
    int closed = CountingProbeProvider.CLOSED.get();
    ImgtrustHost host = ImgtrustHost.open(fx.conf);
    host.prepare(Spawn.of("vm-1", "img-1").withImagesType("counting-probe"));
    host.prepare(Spawn.of("vm-2", "img-1").withImagesType("counting-probe"));

    host.close();
    host.close();

    assertThat(CountingProbeProvider.CLOSED.get() - closed).isEqualTo(1);
    assertThatThrownBy(() -> host.prepare(Spawn.of("vm-3", "img-1"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void remove_goesThroughTheBackendThatMadeTheDisk() throws Exception {
    fx.add("img-1", IMAGE);
    try (ImgtrustHost host = ImgtrustHost.open(fx.conf)) {
      host.prepare(Spawn.of("vm-1", "img-1").withImagesType("test-copy"));

      host.remove("vm-1", false);

      assertThat(disk("vm-1").getParent()).doesNotExist();
    }
  }

  @Test
  void beforeBoot_imagesTypeFlat_stillRunsTheHookCheck() throws Exception {
    CacheFixture flat = CacheFixture.create(dir.resolve("flat"), "[libvirt]\nimages_type = flat");
    try (ImgtrustHost host = ImgtrustHost.open(flat.conf)) {
      refused(Reason.MALFORMED_DOMAIN, () -> host.beforeBoot("<domain><devices>"));
    }
  }

  @Test
  void boot_beforeBootRefuses_domainUndefinedAndDiskRemoved() throws Exception {
    // libvirt's test driver: in-process, no daemon, shared by the connections of this process.
    CacheFixture fake = CacheFixture.create(dir.resolve("fake"), "[libvirt]\nconnection_uri = test:///default");
    fake.add("img-1", IMAGE);
    try (ImgtrustHost host = ImgtrustHost.open(fake.conf)) {
      Spawn spawn = Spawn.of("vm-refused", "img-1").withImagesType("refusing-probe");
      refused(Reason.UNSAFE_DOMAIN, () -> host.boot(spawn, DomainSpec.of("vm-refused", 64, 1)));

      assertThat(RefusingProbeProvider.DISKS).doesNotContain("vm-refused");
      org.libvirt.Connect c = new org.libvirt.Connect("test:///default", true);
      try {
        assertThat(c.listDefinedDomains()).doesNotContain("vm-refused");
      } finally {
        c.close();
      }
    }
  }
}
