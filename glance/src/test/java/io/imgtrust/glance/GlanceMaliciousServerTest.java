package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.SourceFailure;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our client against a Glance that lies or drags its feet: every case ends in a typed error, in bounded time. */
class GlanceMaliciousServerTest {
  private static final String ID = "img-1";
  private static final int SIZE = 64;

  private static GlanceImage image() {
    return image(SIZE);
  }

  private static GlanceImage image(int size) {
    String json = "{\"id\":\"" + ID + "\",\"status\":\"active\",\"disk_format\":\"raw\",\"size\":" + size + "}";
    return new GlanceImage(ID, "active", json.getBytes(StandardCharsets.UTF_8), Optional.empty());
  }

  private static ImageTrustException typed(Throwable t) {
    assertThat(t).isInstanceOfAny(ImageTrustException.class, SourceFailure.class);
    return t instanceof SourceFailure ? ((SourceFailure) t).failure() : (ImageTrustException) t;
  }

  private static void drain(ReadableByteChannel ch) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(1 << 16);
    while (ch.read(b) >= 0) {
      b.clear();
    }
  }

  @Test
  void download_malformedContentLength_glanceErrorNotNumberFormatException() throws Exception {
    try (RawHttp http = new RawHttp((out, head, i) -> RawHttp.write(out,
        "HTTP/1.1 200 OK\r\nContent-Length: 64x\r\nConnection: close\r\n\r\n" + "a".repeat(SIZE)))) {
      GlanceClient c = GlanceClients.create(GlanceSettings.of(http.uri()).withRetries(0));

      Throwable t = catchThrowable(() -> drain(c.download(image()).open()));

      ImageTrustException e = typed(t);
      assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.getMessage()).contains("malformed").contains("64x");
    }
  }

  /** Headers for the image's bytes from {@code from} (a 206 when {@code from > 0}). */
  private static String head(int from) {
    return (from == 0 ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + from
        + "-" + (BIG - 1) + "/" + BIG + "\r\n") + "Content-Length: " + (BIG - from) + "\r\nConnection: close\r\n\r\n";
  }

  private static final int BIG = 10_000;

  private static GlanceImage big() {
    return image(BIG);
  }

  private static int from(String requestHead) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)range: bytes=(\\d+)-").matcher(requestHead);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void download_tricklesOneByteWithinEachReadTimeout_glanceErrorOnceSlowerThanMinRate() throws Exception {
    try (RawHttp http = new RawHttp((out, head, i) -> {
      RawHttp.write(out, head(0));
      for (int b = 0; b < BIG; b++) { // never silent for read_timeout, never done
        RawHttp.write(out, "a");
        Thread.sleep(300);
      }
    })) {
      GlanceClient c = GlanceClients.create(GlanceSettings.of(http.uri()).withRetries(0)
          .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)));
      long t0 = System.nanoTime();

      ImageTrustException e = typed(catchThrowable(() -> drain(c.download(big()).open())));

      assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.getMessage()).contains("min_download_rate");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void download_dropsAfterEveryByte_glanceErrorInsteadOfResumingForever() throws Exception {
    try (RawHttp http = new RawHttp((out, head, i) -> {
      int from = from(head);
      RawHttp.write(out, head(from) + "a"); // one byte, then the connection drops
      Thread.sleep(50);
    })) {
      GlanceClient c = GlanceClients.create(GlanceSettings.of(http.uri()).withRetries(2)
          .withBackoff(Duration.ofMillis(10)).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)));
      long t0 = System.nanoTime();

      ImageTrustException e = typed(catchThrowable(() -> drain(c.download(big()).open())));

      assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.getMessage()).contains("min_download_rate");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(http.requests.size()).isGreaterThan(2); // it did resume, as an honest drop deserves
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void download_ignoresRangeAndDropsOneByteLater_glanceErrorNotPacedOnReReadBytes() throws Exception {
    int huge = 1 << 20;
    try (RawHttp http = new RawHttp((out, head, i) -> { // 200 to every Range: the whole body again, one new byte
      int from = from(head);
      RawHttp.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + huge + "\r\nConnection: close\r\n\r\n"
          + "a".repeat(from + 1));
      Thread.sleep(20);
    })) {
      GlanceClient c = GlanceClients.create(GlanceSettings.of(http.uri()).withRetries(2)
          .withBackoff(Duration.ofMillis(10)).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
          .withMinDownloadRate(1000));
      long t0 = System.nanoTime();

      ImageTrustException e = typed(catchThrowable(() -> drain(c.download(image(huge)).open())));

      assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.getMessage()).contains("min_download_rate");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(http.requests.size()).isGreaterThan(2);
    }
  }
}
