package io.imgtrust.core.cache;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metrics.PrometheusText;
import io.imgtrust.core.metrics.PrometheusText.Type;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link ScrubReport} as a Prometheus text file for node_exporter's textfile collector
 * ({@code [image_cache] metrics_file}), replacing it atomically (mode {@code rw-r--r--}).
 *
 * <p>Metrics: {@code imgtrust_cache_entries{state}} (gauge, the listing after the scrub, every state present);
 * {@code imgtrust_cache_scrub_entries_checked_total}, {@code imgtrust_cache_scrub_bytes_verified_total} and
 * {@code imgtrust_cache_scrub_failures_total{reason}} (counters); {@code
 * imgtrust_cache_scrub_last_success_timestamp_seconds} (gauge, when the last scrub that checked every entry ended,
 * whatever it found) and {@code imgtrust_cache_scrub_duration_seconds} (gauge, that scrub's wall time).
 *
 * <p>The counters are cumulative over the scrubs that wrote this file: the previous values are read back from it and
 * the report added. A missing or damaged file starts them at 0, which Prometheus treats as a counter reset. Failure
 * reasons a scrub can produce are always present (0 when none), so alerts see the series before the first failure.
 */
public final class ScrubMetrics {
  static final String ENTRIES = "imgtrust_cache_entries";
  static final String CHECKED = "imgtrust_cache_scrub_entries_checked_total";
  static final String BYTES = "imgtrust_cache_scrub_bytes_verified_total";
  static final String FAILURES = "imgtrust_cache_scrub_failures_total";
  static final String LAST_SUCCESS = "imgtrust_cache_scrub_last_success_timestamp_seconds";
  static final String DURATION = "imgtrust_cache_scrub_duration_seconds";

  /** Failure reasons always written, even at 0: those a recheck produces. */
  private static final ImmutableSet<Reason> KNOWN =
      ImmutableSet.of(Reason.DIGEST_MISMATCH, Reason.SIZE_MISMATCH, Reason.RECORD_INVALID);

  private ScrubMetrics() {}

  /**
   * Replaces {@code file} with the metrics of {@code report}, counters carried over from the file's previous content.
   *
   * @throws ImageTrustException {@code IO_ERROR} when the file cannot be written (e.g. its directory is missing)
   */
  public static void write(Path file, ScrubReport report) throws ImageTrustException {
    try {
      ImmutableMap<String, Double> before = PrometheusText.readSamples(file);
      render(report, before).writeTo(file);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot write metrics file " + file + ": "
          + IoErrors.describe(e), e);
    }
  }

  /** The text for {@code report}, counters added to those in {@code before} (samples by series). */
  static PrometheusText render(ScrubReport report, Map<String, Double> before) {
    PrometheusText t = PrometheusText.create();
    t.family(ENTRIES, Type.GAUGE, "Image cache entries by state, as listed after the last scrub.");
    report.entriesByState().forEach((state, n) -> t.sample(ImmutableMap.of("state", state.name()), n));
    t.family(CHECKED, Type.COUNTER, "Cache entries rechecked by scrubs.");
    t.sample(before.getOrDefault(CHECKED, 0.0) + report.entriesChecked());
    t.family(BYTES, Type.COUNTER, "Bytes of cache entries that scrubs verified against their sealed records.");
    t.sample(before.getOrDefault(BYTES, 0.0) + report.bytesVerified());
    t.family(FAILURES, Type.COUNTER, "Cache entries that failed a scrub, by reason code.");
    Set<Reason> reasons = EnumSet.copyOf(KNOWN);
    reasons.addAll(report.failuresByReason().keySet());
    for (Reason r : Reason.values()) {
      String series = PrometheusText.series(FAILURES, ImmutableMap.of("reason", r.name()));
      if (reasons.contains(r) || before.containsKey(series)) {
        t.sample(ImmutableMap.of("reason", r.name()),
            before.getOrDefault(series, 0.0) + report.failuresByReason().getOrDefault(r, 0));
      }
    }
    t.family(LAST_SUCCESS, Type.GAUGE, "Unix time the last scrub that checked every entry ended.");
    t.sample(report.finished().toEpochMilli() / 1000.0);
    t.family(DURATION, Type.GAUGE, "Wall time of the last scrub in seconds, waits for the rate limit included.");
    t.sample(report.duration().toMillis() / 1000.0);
    return t;
  }
}
