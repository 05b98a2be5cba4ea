package io.imgtrust.core.cache;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.ledger.LedgerRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rechecks every entry of an {@link ImageCache} at a limited rate, as {@code imgtrust cache scrub} does.
 *
 * <p>Guarantees: every file in the cache directory is checked with {@link ImageCache#verifyFile}, one after the other,
 * and the scrub goes on after a refusal, so one run finds every bad entry: an entry with a sealed record is hashed
 * (and sealed again if its file changed but its content is intact); a file without a valid record (planted, or its
 * record removed or altered) fails with {@code RECORD_INVALID} without being hashed. A refused entry is
 * quarantined in {@code mode = enforce} and stays in {@code warn}; either way it is a {@link ScrubReport#failures()
 * failure}. No entry lock is held while the scrubber waits for the rate.
 *
 * <p>The rate is an average over entries, not a bound on the disk: each entry is hashed at full speed (on all cores),
 * and the scrubber then waits before the next entry until the bytes read so far are paid for. A cache of few large
 * entries therefore sees bursts at full speed with pauses between them.
 *
 * <p>Entries listed as MISSING (a record without a file) or QUARANTINED have no file to check; they appear only in
 * {@link ScrubReport#entriesByState()}. Dot-files (records, quarantine, a fill's temporaries) are not entries. An
 * entry that disappears during the scrub
 * ({@code NOT_CACHED}, e.g. quarantined by another process) is skipped. A host failure ({@code IO_ERROR}) ends the
 * scrub with that exception. Not thread-safe: one {@link #run} at a time per instance.
 */
public final class Scrubber {
  private static final Logger log = LoggerFactory.getLogger(Scrubber.class);

  private final ImageCache cache;
  private final long rateBytesPerSecond;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final ScrubThrottle.Sleeper sleeper;

  private Scrubber(ImageCache cache, long rateBytesPerSecond, Clock clock, LongSupplier nanoTime,
      ScrubThrottle.Sleeper sleeper) {
    this.cache = checkNotNull(cache);
    this.rateBytesPerSecond = rateBytesPerSecond;
    this.clock = checkNotNull(clock);
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /**
   * A scrubber of {@code cache} at an average of {@code rateBytesPerSecond} bytes hashed per second (0 or less:
   * unlimited). {@code clock} dates the report (start, end, duration).
   */
  public static Scrubber create(ImageCache cache, long rateBytesPerSecond, Clock clock) {
    return new Scrubber(cache, rateBytesPerSecond, clock, System::nanoTime, ScrubThrottle.REAL_SLEEPER);
  }

  /** For tests: pacing measured with {@code nanoTime}, waits done by {@code sleeper}. */
  static Scrubber create(ImageCache cache, long rateBytesPerSecond, Clock clock, LongSupplier nanoTime,
      ScrubThrottle.Sleeper sleeper) {
    return new Scrubber(cache, rateBytesPerSecond, clock, nanoTime, sleeper);
  }

  /**
   * Checks every checkable entry and reports what it found; {@code listener} hears of each entry.
   *
   * @throws ImageTrustException a host failure ({@code IO_ERROR}) that stopped the scrub; refusals never stop it
   */
  public ScrubReport run(ScrubListener listener) throws ImageTrustException {
    Instant started = clock.instant();
    List<EntryStatus> todo = cache.list().stream().filter(EntryStatus::checkable)
        .collect(ImmutableList.toImmutableList());
    long bytesTotal = todo.stream().mapToLong(Scrubber::size).sum();
    ScrubThrottle throttle = ScrubThrottle.of(rateBytesPerSecond, nanoTime, sleeper);
    ImmutableList.Builder<ScrubReport.Failure> failures = ImmutableList.builder();
    boolean enforce = cache.policy().enforce();
    int checked = 0;
    long verified = 0;
    long hashed = 0;
    long done = 0;
    for (EntryStatus s : todo) {
      throttle.awaitTurn();
      long read = 0;
      String id = s.record().map(LedgerRecord::imageId).orElse("");
      try {
        CheckResult res = cache.verifyFile(s.name());
        read = res.bytesHashed();
        checked++;
        if (res.ok()) {
          verified += size(s);
        } else {
          ImageTrustException f = res.failure().orElseThrow();
          failures.add(new ScrubReport.Failure(id, s.name(), f.reason(), f.getMessage(), false));
        }
      } catch (ImageTrustException e) {
        if (e.reason().kind() != Reason.Kind.REFUSED) {
          throw e;
        }
        if (e.reason() == Reason.NOT_CACHED) {
          log.info("cache file {}: gone from the cache during the scrub; skipped", s.name());
        } else {
          checked++;
          read = hashedBeforeRefusal(e.reason(), size(s));
          failures.add(new ScrubReport.Failure(id, s.name(), e.reason(), e.getMessage(), enforce));
        }
      }
      throttle.charge(read);
      hashed += read;
      done += size(s);
      listener.checked(id.isEmpty() ? s.name() : id, done, bytesTotal);
    }
    Map<EntryStatus.State, Integer> states = new EnumMap<>(EntryStatus.State.class);
    cache.list().forEach(s -> states.merge(s.state(), 1, Integer::sum));
    ScrubReport report = new ScrubReport(started, clock.instant(), checked, verified, hashed, failures.build(),
        states);
    log.info("scrubbed {} entries of {}: {} bytes verified, {} failures, in {}", checked, cache.directory(),
        verified, report.failures().size(), report.duration());
    return report;
  }

  /** The bytes a check of {@code s} reads: its record's size; 0 without a valid record (not hashed). */
  private static long size(EntryStatus s) {
    return s.state() == EntryStatus.State.RECORD_INVALID ? 0 : s.record().map(LedgerRecord::size).orElse(0L);
  }

  /** A digest or size refusal comes after the whole file was hashed; a record refusal stops hashing at once. */
  private static long hashedBeforeRefusal(Reason reason, long size) {
    return reason == Reason.DIGEST_MISMATCH || reason == Reason.SIZE_MISMATCH ? size : 0;
  }
}
