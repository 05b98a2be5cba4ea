package io.imgtrust.glance;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.time.Duration;

/**
 * The floor under a response's average rate ({@code [glance] min_download_rate}): a transfer that has taken longer
 * than the grace (the read timeout) plus the time its bytes would take at the minimum rate fails with
 * {@code GLANCE_ERROR}, resumes and backoffs included. So a server that trickles a byte within each read timeout, or
 * drops the connection after every byte, cannot keep a download alive: a transfer of {@code n} bytes ends after at
 * most {@code grace + n / rate}. A rate of 0 sets no floor. Not thread-safe (one per transfer).
 */
final class Pace {
  private final long startNanos = System.nanoTime();
  private final Duration grace;
  private final long bytesPerSecond;
  private final String what;

  Pace(Duration grace, long bytesPerSecond, String what) {
    this.grace = grace;
    this.bytesPerSecond = bytesPerSecond;
    this.what = what;
  }

  /** A floor of {@code settings}' minimum rate after its read timeout. */
  static Pace of(GlanceSettings settings, String what) {
    return new Pace(settings.readTimeout(), settings.minDownloadRate(), what);
  }

  /** Fails when {@code bytes} arrived so far took longer than the floor allows. */
  void check(long bytes) throws ImageTrustException {
    if (bytesPerSecond == 0) {
      return;
    }
    long elapsed = System.nanoTime() - startNanos;
    long allowed = grace.toNanos() + (long) (bytes * 1e9 / bytesPerSecond);
    if (elapsed > allowed) {
      long rate = (long) (bytes * 1e9 / Math.max(1, elapsed));
      throw ImageTrustException.of(Reason.GLANCE_ERROR, what + ": " + bytes + " bytes in "
          + Duration.ofNanos(elapsed).toSeconds() + " s (" + rate + " B/s), slower than [glance] min_download_rate "
          + bytesPerSecond / 1024 + " KiB/s", ImmutableMap.of("bytes", bytes, "elapsed_ms",
              Duration.ofNanos(elapsed).toMillis(), "min_rate_bytes_per_second", bytesPerSecond));
    }
  }
}
