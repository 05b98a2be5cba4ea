package io.imgtrust.core.metrics;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.io.RegularFiles;
import io.imgtrust.core.io.StrictModes;
import io.imgtrust.core.metrics.PrometheusText.Type;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the failures that {@code mode = warn} let through, as the counter {@value #NAME}{@code {reason, check}} in a
 * Prometheus text file beside {@code [image_cache] metrics_file} (see {@link #fileFor}); nothing is counted when that
 * option is empty. {@code check} is {@code recheck} (a cache entry rechecked: qcow2 before boot and at spawn,
 * {@code cache verify}, {@code cache scrub}) or {@code import} (a copy at spawn by an import backend).
 *
 * <p>Safe across threads and processes: each count reads the file, adds one and replaces the file atomically, under
 * an exclusive lock on a dot file beside it (waited for at most {@value #LOCK_WAIT_MS} ms). Never throws: a count that
 * cannot be written is logged and lost, because counting must never stop a boot. Nothing is counted (one log line)
 * unless the file's directory passes {@link StrictModes#checkDirectory} (owned by root or this user, not writable by
 * others), and the counter and lock files are opened only as regular files, never through a symbolic link, never
 * a FIFO (which would block), and read only up to {@link PrometheusText#MAX_READ} bytes. The reasons a recheck
 * produces are always present (0 until the first failure), so alerts see the series from the start.
 */
public final class WarnCounter {
  /** The counter's metric name. */
  public static final String NAME = "imgtrust_warn_failures_total";
  static final long LOCK_WAIT_MS = 5_000;

  /** What kind of check failed: the {@code check} label. */
  public enum Check {
    RECHECK, IMPORT;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(WarnCounter.class);
  private static final ImmutableSet<Reason> KNOWN =
      ImmutableSet.of(Reason.DIGEST_MISMATCH, Reason.SIZE_MISMATCH, Reason.RECORD_INVALID);
  /** In-process exclusion: a JVM may hold one lock per file (the file lock covers other processes). */
  private static final Object IN_PROCESS = new Object();

  private final Optional<Path> file;

  private WarnCounter(Optional<Path> file) {
    this.file = file;
  }

  /** The counter of {@code [image_cache] metrics_file}; counts nothing when the option is empty. */
  public static WarnCounter fromConfig(ImgtrustConfig config) {
    String metrics = config.string(Key.METRICS_FILE);
    return new WarnCounter(metrics.isEmpty() ? Optional.empty() : Optional.of(fileFor(Path.of(metrics))));
  }

  /** A counter writing {@code file} itself. */
  public static WarnCounter at(Path file) {
    return new WarnCounter(Optional.of(file));
  }

  /**
   * The counter file for a {@code metrics_file}: beside it, named after it with {@code -warn.prom} in place of a
   * {@code .prom} ending ({@code imgtrust.prom} gives {@code imgtrust-warn.prom}), so node_exporter's textfile
   * collector reads both, and {@code cache scrub}, which replaces its own file, never drops a count.
   */
  public static Path fileFor(Path metricsFile) {
    String name = metricsFile.getFileName().toString();
    String stem = name.endsWith(".prom") ? name.substring(0, name.length() - ".prom".length()) : name;
    return metricsFile.resolveSibling(stem + "-warn.prom");
  }

  /** The file counts go to, if any. */
  public Optional<Path> file() {
    return file;
  }

  /** Adds one failure with {@code reason}; logs instead of throwing when the file cannot be written. */
  public void count(Check check, Reason reason) {
    if (file.isEmpty()) {
      return;
    }
    Path f = file.get();
    synchronized (IN_PROCESS) {
      try {
        StrictModes.checkDirectory("metrics directory", f.toAbsolutePath().getParent());
      } catch (ImageTrustException e) {
        log.warn("not counting a warn-mode failure ({} {}) in {}: {}", check.label(), reason, f, e.getMessage());
        return;
      }
      try (FileChannel lockFile = RegularFiles.openWrite(lockOf(f), "rw-------", StandardOpenOption.CREATE);
          FileLock lock = lock(lockFile, f)) {
        render(PrometheusText.readSamples(f), check, reason).writeTo(f);
      } catch (IOException | RuntimeException e) {
        log.warn("cannot count a warn-mode failure ({} {}) in {}: {}", check.label(), reason, f,
            e instanceof IOException ? IoErrors.describe((IOException) e) : e.toString());
      }
    }
  }

  private static Path lockOf(Path f) {
    return f.resolveSibling("." + f.getFileName() + ".lock");
  }

  private static FileLock lock(FileChannel ch, Path f) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_WAIT_MS);
    while (true) {
      FileLock l = ch.tryLock();
      if (l != null) {
        return l;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("lock " + lockOf(f) + " held by another process for " + LOCK_WAIT_MS + " ms");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + lockOf(f));
      }
    }
  }

  /** The counter family: the counts in {@code before} plus one for {@code check}/{@code reason}. */
  static PrometheusText render(Map<String, Double> before, Check check, Reason reason) {
    PrometheusText t = PrometheusText.create();
    t.family(NAME, Type.COUNTER, "Verification failures that mode = warn let through, by reason code and check.");
    for (Check c : Check.values()) {
      for (Reason r : Reason.values()) {
        ImmutableMap<String, String> labels = ImmutableMap.of("reason", r.name(), "check", c.label());
        String series = PrometheusText.series(NAME, labels);
        boolean now = c == check && r == reason;
        if (now || KNOWN.contains(r) || before.containsKey(series)) {
          t.sample(labels, before.getOrDefault(series, 0.0) + (now ? 1 : 0));
        }
      }
    }
    return t;
  }
}
