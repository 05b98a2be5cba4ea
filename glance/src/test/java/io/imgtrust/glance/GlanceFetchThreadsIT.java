package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.CheckResult;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two threads of one process fetching one image at once, from the real glance-api of scripts/glance-up.sh. */
class GlanceFetchThreadsIT {
  private static final byte[] IMAGE = CacheFixture.randomImage(48 << 20, 17);
  @TempDir Path dir;

  @Test
  void fetch_twoThreadsOneImageAtOnce_downloadedOnceBothGetTheVerifiedEntry() throws Exception {
    RealGlance glance = RealGlance.running();
    String id = glance.upload(IMAGE);
    CacheFixture f = CacheFixture.create(dir, "[glance]\napi_servers = " + glance.endpoint + "\n");
    GlanceClient client = GlanceClients.fromConfig(f.conf);
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<CacheEntry>> fetches = pool.invokeAll(List.of(() -> {
        start.await();
        return GlanceFetch.fetch(client, f.cache, id, CopyProgress.NONE);
      }, () -> {
        start.await();
        return GlanceFetch.fetch(client, f.cache, id, CopyProgress.NONE);
      }), 120, TimeUnit.SECONDS);

      CacheEntry a = fetches.get(0).get();
      CacheEntry b = fetches.get(1).get();
      assertThat(glance.fileGets(id)).as("GETs of the image's data in Glance's log").isEqualTo(1);
      assertThat(b.file()).isEqualTo(a.file());
      assertThat(b.record().contentDigest()).isEqualTo(a.record().contentDigest());
      assertThat(Files.readAllBytes(a.file())).isEqualTo(IMAGE);
      CheckResult check = f.cache.verify(id);
      assertThat(check.ok()).as(check.toString()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }
}
