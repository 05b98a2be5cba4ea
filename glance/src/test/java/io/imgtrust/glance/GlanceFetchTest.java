package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.testing.CacheFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetch's own logic against a fake Glance whose image data changes during a download. */
class GlanceFetchTest {
  private static final String ID = "img-1";
  private static final byte[] OLD = CacheFixture.randomImage(3 << 20, 1);
  private static final byte[] NEW = CacheFixture.randomImage(3 << 20, 2);
  @TempDir Path dir;

  private static String json(byte[] data) {
    return "{\"id\":\"" + ID + "\",\"status\":\"active\",\"disk_format\":\"raw\",\"size\":" + data.length
        + ",\"os_hash_algo\":\"sha256\",\"os_hash_value\":\"" + CacheFixture.sha256(data) + "\"}";
  }

  private static void pause(boolean really) {
    try {
      Thread.sleep(really ? 300 : 0); // the client reads what came before it sees the drop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void fetch_dataChangedMidDownload_startsAgainFromTheFirstByteAndCachesTheNewData() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> {
      boolean old = i < 2; // the show and the first download see the old data; then it is replaced
      byte[] data = old ? OLD : NEW;
      if (!x.getRequestURI().getPath().endsWith("/file")) {
        FakeHttp.json(x, 200, json(data));
        return;
      }
      x.getResponseHeaders().set("ETag", old ? "\"old\"" : "\"new\"");
      x.sendResponseHeaders(200, data.length);
      x.getResponseBody().write(data, 0, old ? 1 << 20 : data.length); // the old download drops at 1 MiB
      x.getResponseBody().flush();
      pause(old);
    })) {
      CacheFixture f = CacheFixture.create(dir, "");
      GlanceClient c = GlanceClients.create(GlanceSettings.of(http.uri()).withRetries(2)
          .withBackoff(Duration.ofMillis(10)));

      CacheEntry e = GlanceFetch.fetch(c, f.cache, ID, CopyProgress.NONE);

      assertThat(Files.readAllBytes(e.file())).isEqualTo(NEW);
      assertThat(http.requests).extracting(FakeHttp.Request::path).containsExactly("/v2/images/" + ID,
          "/v2/images/" + ID + "/file", "/v2/images/" + ID + "/file", "/v2/images/" + ID,
          "/v2/images/" + ID + "/file");
      assertThat(http.requests.get(2).ifRange()).as(http.requests.toString()).isEqualTo("\"old\"");
      assertThat(http.requests.get(4).range()).isNull();
    }
  }
}
