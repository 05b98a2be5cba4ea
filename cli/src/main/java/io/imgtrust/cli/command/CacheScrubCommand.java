package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.Progress;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.cache.ScrubListener;
import io.imgtrust.core.cache.ScrubMetrics;
import io.imgtrust.core.cache.ScrubReport;
import io.imgtrust.core.cache.Scrubber;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.digest.CopyProgress;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust cache scrub [--rate MiB/s] [--metrics-file FILE]}. */
@Command(name = "scrub", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Recheck every cache entry against its sealed record, one after the other at a limited rate, "
        + "and write Prometheus metrics for node_exporter's textfile collector. Every file in the cache directory "
        + "is covered: a file without a valid record (planted, or its record removed or altered) fails as "
        + "RECORD_INVALID.",
        "In mode = enforce an entry that fails is quarantined (see 'cache quarantine'); in mode = warn it stays in "
            + "the cache but is reported and counted the same way. The scrub goes on after a failure, so one run "
            + "finds every bad entry.",
        "The rate is an average over entries: each entry is hashed at full speed, then the scrub pauses until the "
            + "bytes read so far fit the rate. No entry is locked during a pause.",
        "Metrics (the file is replaced atomically, mode 0644): imgtrust_cache_entries{state}, "
            + "imgtrust_cache_scrub_entries_checked_total, imgtrust_cache_scrub_bytes_verified_total, "
            + "imgtrust_cache_scrub_failures_total{reason} (counters carried over from the file's previous "
            + "content), imgtrust_cache_scrub_last_success_timestamp_seconds, imgtrust_cache_scrub_duration_seconds."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:every entry verified",
        " 2:usage error (e.g. a bad --rate) or bad configuration",
        " 3:one or more entries failed (DIGEST_MISMATCH, SIZE_MISMATCH, RECORD_INVALID), in enforce and in warn "
            + "mode; the metrics file is written all the same",
        " 4:host failure (I/O error reading the cache or writing the metrics file); the metrics file is left as "
            + "it was"})
final class CacheScrubCommand implements Callable<Integer> {
  private static final Pattern RATE = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,6})?");

  @ParentCommand CacheCommand cache;

  @Option(names = "--rate", paramLabel = "MiB/s",
      description = "Average rate in MiB/s (decimals allowed; 0 = unlimited). Default: [image_cache] "
          + "scrub_rate_mib, else 0.")
  String rate;

  @Option(names = "--metrics-file", paramLabel = "FILE",
      description = "Prometheus text file to replace (e.g. /var/lib/node_exporter/textfile/imgtrust.prom); "
          + "an empty value writes none. Default: [image_cache] metrics_file, else none.")
  String metricsFile;

  @Override
  public Integer call() throws Exception {
    long bytesPerSecond = rate == null ? -1 : parseRate(rate);
    ImgtrustConfig conf = cache.root.loadConfig();
    if (bytesPerSecond < 0) {
      bytesPerSecond = Math.min(conf.number(Key.SCRUB_RATE_MIB), Long.MAX_VALUE >> 20) << 20;
    }
    String metrics = metricsFile != null ? metricsFile : conf.string(Key.METRICS_FILE);
    Optional<Path> metricsPath = metrics.isBlank() ? Optional.empty() : Optional.of(Path.of(metrics.strip()));
    ImageCache c = ImageCache.open(conf);
    boolean json = cache.root.output().json();
    CopyProgress bar = Progress.forTerminal("scrub", json);
    ScrubListener listener = bar == CopyProgress.NONE ? ScrubListener.NONE
        : (id, done, total) -> bar.update(done, total);
    ScrubReport report = Scrubber.create(c, bytesPerSecond, Clock.systemUTC()).run(listener);
    if (metricsPath.isPresent()) {
      ScrubMetrics.write(metricsPath.get(), report);
    }
    cache.root.output().success(json(report, bytesPerSecond, metricsPath), text(report, metricsPath));
    return report.ok() ? 0 : Reason.Kind.REFUSED.exitCode();
  }

  /** Bytes per second from MiB/s as typed; a usage error names {@code --rate}. */
  static long parseRate(String text) throws ImageTrustException {
    String t = text.strip();
    if (!RATE.matcher(t).matches()) {
      throw ImageTrustException.of(Reason.USAGE, "--rate '" + text + "' is not a rate in MiB/s (a number >= 0, "
          + "e.g. 50 or 0.5; 0 = unlimited)");
    }
    return new BigDecimal(t).multiply(BigDecimal.valueOf(1L << 20))
        .setScale(0, java.math.RoundingMode.CEILING).longValueExact();
  }

  private static ObjectNode json(ScrubReport r, long bytesPerSecond, Optional<Path> metrics) {
    ObjectNode o = Output.ok().put("ok", r.ok()).put("entries_checked", r.entriesChecked())
        .put("bytes_verified", r.bytesVerified()).put("bytes_hashed", r.bytesHashed());
    ArrayNode failures = o.putArray("failures");
    for (ScrubReport.Failure f : r.failures()) {
      failures.addObject().put("image_id", f.imageId().isEmpty() ? null : f.imageId())
          .put("cache_file", f.cacheFile()).put("reason", f.reason().name())
          .put("message", f.message()).put("quarantined", f.quarantined());
    }
    if (!r.ok()) {
      o.put("reason", r.failures().get(0).reason().name()).put("message", r.failures().size()
          + " of " + r.entriesChecked() + " entries failed; first: " + r.failures().get(0).message());
    }
    ObjectNode states = o.putObject("entries_by_state");
    r.entriesByState().forEach((s, n) -> states.put(s.name(), n));
    o.put("duration_seconds", r.duration().toMillis() / 1000.0)
        .put("rate_bytes_per_second", Math.max(0, bytesPerSecond));
    if (metrics.isPresent()) {
      o.put("metrics_file", metrics.get().toString());
    } else {
      o.putNull("metrics_file");
    }
    return o;
  }

  private static List<String> text(ScrubReport r, Optional<Path> metrics) {
    List<String> lines = new ArrayList<>();
    for (ScrubReport.Failure f : r.failures()) {
      lines.add("FAIL " + (f.imageId().isEmpty() ? "(" + f.cacheFile() + ")" : f.imageId()) + "  " + f.reason() + ": " + f.message()
          + (f.quarantined() ? "  (quarantined)" : "  (mode = warn: left in the cache)"));
    }
    lines.add(String.format(Locale.ROOT, "scrubbed %d entries: %d failed, %.1f MiB verified in %.1f s",
        r.entriesChecked(), r.failures().size(), r.bytesVerified() / (double) (1 << 20),
        r.duration().toMillis() / 1000.0));
    StringBuilder states = new StringBuilder("cache now:");
    r.entriesByState().forEach((s, n) -> states.append(' ').append(s).append('=').append(n));
    lines.add(states.toString());
    metrics.ifPresent(m -> lines.add("metrics written to " + m));
    return lines;
  }
}
