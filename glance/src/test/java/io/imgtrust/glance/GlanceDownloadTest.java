package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpExchange;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.SourceFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The download stream's own logic against a fake Glance: resume, restart, stall, transport checks. */
class GlanceDownloadTest {
  private static final byte[] IMAGE = new byte[3 << 20];
  private static final String ID = "img-1";
  private static final String MD5 = Hashing.md5().hashBytes(IMAGE).toString();

  static {
    new Random(7).nextBytes(IMAGE);
  }

  private static GlanceClient client(FakeHttp http, Duration readTimeout) throws ImageTrustException {
    return GlanceClients.create(GlanceSettings.of(http.uri()).withRetries(2).withBackoff(Duration.ofMillis(10))
        .withTimeouts(Duration.ofSeconds(2), readTimeout));
  }

  private static GlanceImage image(Optional<String> checksum) {
    String json = "{\"id\":\"" + ID + "\",\"status\":\"active\",\"disk_format\":\"raw\",\"size\":" + IMAGE.length
        + checksum.map(c -> ",\"checksum\":\"" + c + "\"").orElse("") + "}";
    return new GlanceImage(ID, "active", json.getBytes(java.nio.charset.StandardCharsets.UTF_8), checksum);
  }

  /** Sends the image from {@code from}, as a 200 or a 206, stopping after {@code upTo} bytes (then closing). */
  private static void serve(HttpExchange x, long from, long upTo, boolean partial) throws IOException {
    x.getResponseHeaders().set("Content-Md5", MD5);
    if (partial) {
      x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (IMAGE.length - 1) + "/" + IMAGE.length);
    }
    x.sendResponseHeaders(partial ? 206 : 200, IMAGE.length - from);
    x.getResponseBody().write(IMAGE, (int) from, (int) (Math.min(upTo, IMAGE.length) - from));
  }

  private static byte[] readAll(ReadableByteChannel ch) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    while (ch.read(buf) >= 0) {
      out.write(buf.array(), 0, buf.position());
      buf.clear();
    }
    return out.toByteArray();
  }

  @Test
  void download_connectionDroppedMidway_resumesWithRangeAndDeliversEveryByteOnce() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> {
      if (i == 0) {
        serve(x, 0, 1 << 20, false); // then the connection drops
      } else {
        serve(x, Long.parseLong(x.getRequestHeaders().getFirst("Range").replaceAll("bytes=|-", "")),
            IMAGE.length, true);
      }
    })) {
      byte[] got = readAll(client(http, Duration.ofSeconds(5)).download(image(Optional.of(MD5))).open());

      assertThat(got).isEqualTo(IMAGE);
      assertThat(http.requests).hasSize(2);
      assertThat(http.requests.get(0).range()).isNull();
      assertThat(http.requests.get(1).range()).matches("bytes=[1-9][0-9]*-"); // where the bytes stopped arriving
    }
  }

  @Test
  void download_storeRefusesRanges_restartsFromTheStartAndSkipsWhatWasRead() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> {
      if (x.getRequestHeaders().getFirst("Range") != null) {
        FakeHttp.json(x, 400, "{\"message\":\"Getting images randomly from this store is not supported\"}");
      } else {
        serve(x, 0, i == 0 ? 1 << 20 : IMAGE.length, false);
      }
    })) {
      byte[] got = readAll(client(http, Duration.ofSeconds(5)).download(image(Optional.of(MD5))).open());

      assertThat(got).isEqualTo(IMAGE);
      assertThat(http.requests).hasSize(3);
      assertThat(http.requests.get(1).range()).matches("bytes=[1-9][0-9]*-");
      assertThat(http.requests.get(2).range()).isNull();
    }
  }

  @Test
  void download_stalledAfterSomeBytes_glanceErrorAfterReadTimeoutNotAHang() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> {
      serve(x, 0, 100_000, false);
      x.getResponseBody().flush();
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })) {
      ReadableByteChannel ch = client(http, Duration.ofSeconds(1)).download(image(Optional.of(MD5))).open();
      long t0 = System.nanoTime();

      SourceFailure e = catchThrowableOfType(SourceFailure.class, () -> readAll(ch));

      assertThat(e.failure().reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.failure().getMessage()).contains("stalled");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(http.requests).hasSize(1);
    }
  }

  @Test
  void download_contentMd5NotTheChecksum_digestMismatchBeforeAnyByte() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> serve(x, 0, IMAGE.length, false))) {
      GlanceClient c = client(http, Duration.ofSeconds(5));

      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> c.download(image(Optional.of("00112233445566778899aabbccddeeff"))).open());

      assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
      assertThat(e.details()).containsEntry("field", "Content-Md5");
    }
  }

  @Test
  void download_noChecksumAndBytesDifferFromContentMd5_digestMismatchAtTheEnd() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> {
      x.getResponseHeaders().set("Content-Md5", Hashing.md5().hashInt(1).toString());
      x.sendResponseHeaders(200, IMAGE.length);
      x.getResponseBody().write(IMAGE);
    })) {
      ReadableByteChannel ch = client(http, Duration.ofSeconds(5)).download(image(Optional.empty())).open();

      SourceFailure e = catchThrowableOfType(SourceFailure.class, () -> readAll(ch));

      assertThat(e.failure().reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    }
  }

  @Test
  void download_contentLengthNotTheImageSize_sizeMismatch() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> {
      x.sendResponseHeaders(200, 10);
      x.getResponseBody().write(IMAGE, 0, 10);
    })) {
      GlanceClient c = client(http, Duration.ofSeconds(5));

      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> c.download(image(Optional.of(MD5))).open());

      assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH);
    }
  }

  @Test
  void download_slowButSteadyLongerThanBothTimeouts_succeeds() throws Exception {
    byte[] small = java.util.Arrays.copyOf(IMAGE, 16);
    try (FakeHttp http = new FakeHttp((x, i) -> {
      x.sendResponseHeaders(200, small.length);
      for (byte b : small) { // 16 bytes, one every 300 ms: 4.8 s in all, never 2 s without data
        x.getResponseBody().write(b);
        x.getResponseBody().flush();
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    })) {
      GlanceClient c = GlanceClients.create(GlanceSettings.of(http.uri()).withTimeouts(Duration.ofSeconds(1),
          Duration.ofSeconds(2)).withMinDownloadRate(0)); // 3 B/s: no rate floor here, only the read timeout
      String json = "{\"id\":\"" + ID + "\",\"status\":\"active\",\"disk_format\":\"raw\",\"size\":16}";
      GlanceImage img = new GlanceImage(ID, "active", json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          Optional.empty());

      assertThat(readAll(c.download(img).open())).isEqualTo(small);
    }
  }

  @Test
  void download_resumeAfterAnETag_sendsIfRangeWithIt() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> {
      x.getResponseHeaders().set("ETag", "\"v1\"");
      String range = x.getRequestHeaders().getFirst("Range");
      serve(x, range == null ? 0 : Long.parseLong(range.replaceAll("bytes=|-", "")), i == 0 ? 1 << 20 : IMAGE.length,
          range != null);
    })) {
      byte[] got = readAll(client(http, Duration.ofSeconds(5)).download(image(Optional.of(MD5))).open());

      assertThat(got).isEqualTo(IMAGE);
      assertThat(http.requests).extracting(FakeHttp.Request::ifRange).containsExactly(null, "\"v1\"");
    }
  }

  @Test
  void download_resumeAnswered200WithAnotherETag_glanceErrorChangedNotSpliced() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> {
      x.getResponseHeaders().set("ETag", i == 0 ? "\"v1\"" : "\"v2\""); // the data changed: If-Range fails
      serve(x, 0, i == 0 ? 1 << 20 : IMAGE.length, false);
    })) {
      ReadableByteChannel ch = client(http, Duration.ofSeconds(5)).download(image(Optional.of(MD5))).open();

      SourceFailure e = catchThrowableOfType(SourceFailure.class, () -> readAll(ch));

      assertThat(e.failure().reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.failure().details()).containsEntry(GlanceDownload.CHANGED, true);
      assertThat(e.failure().getMessage()).contains("changed");
    }
  }
}
