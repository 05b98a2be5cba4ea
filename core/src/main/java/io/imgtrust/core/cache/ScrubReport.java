package io.imgtrust.core.cache;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedMap;
import io.imgtrust.core.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one {@link Scrubber#run scrub} found. Immutable.
 *
 * <p>{@link #entriesChecked()} counts the entries that were hashed (or whose check was shared with a concurrent
 * caller); {@link #bytesVerified()} is the size of those that verified; {@link #failures()} lists those that did not,
 * in the order they were checked. {@link #entriesByState()} is the cache listing after the scrub, every state present
 * (0 where none), so entries the scrub could not check (MISSING, RECORD_INVALID without a sealed record) show there.
 */
public final class ScrubReport {
  /** One entry that failed its check. Immutable. */
  public static final class Failure {
    private final String imageId;
    private final String cacheFile;
    private final Reason reason;
    private final String message;
    private final boolean quarantined;

    Failure(String imageId, String cacheFile, Reason reason, String message, boolean quarantined) {
      this.imageId = imageId;
      this.cacheFile = cacheFile;
      this.reason = reason;
      this.message = message;
      this.quarantined = quarantined;
    }

    /** The image id; empty for a file that has no valid record (and so names no image). */
    public String imageId() {
      return imageId;
    }

    /** The file's name in the cache directory. */
    public String cacheFile() {
      return cacheFile;
    }

    public Reason reason() {
      return reason;
    }

    public String message() {
      return message;
    }

    /** True in {@code mode = enforce}: the cache file was moved to quarantine. False in {@code warn}: it stays. */
    public boolean quarantined() {
      return quarantined;
    }
  }

  private final Instant started;
  private final Instant finished;
  private final int entriesChecked;
  private final long bytesVerified;
  private final long bytesHashed;
  private final ImmutableList<Failure> failures;
  private final ImmutableMap<EntryStatus.State, Integer> entriesByState;

  ScrubReport(Instant started, Instant finished, int entriesChecked, long bytesVerified, long bytesHashed,
      ImmutableList<Failure> failures, Map<EntryStatus.State, Integer> entriesByState) {
    this.started = started;
    this.finished = finished;
    this.entriesChecked = entriesChecked;
    this.bytesVerified = bytesVerified;
    this.bytesHashed = bytesHashed;
    this.failures = failures;
    Map<EntryStatus.State, Integer> all = new EnumMap<>(EntryStatus.State.class);
    for (EntryStatus.State s : EntryStatus.State.values()) {
      all.put(s, entriesByState.getOrDefault(s, 0));
    }
    this.entriesByState = ImmutableMap.copyOf(all);
  }

  /** When the last entry was done (by the scrubber's clock). */
  public Instant finished() {
    return finished;
  }

  /** Wall time of the whole scrub, waits for the rate included. */
  public Duration duration() {
    return Duration.between(started, finished);
  }

  public int entriesChecked() {
    return entriesChecked;
  }

  /** Bytes of the entries that verified: the sizes in their records. */
  public long bytesVerified() {
    return bytesVerified;
  }

  /** Bytes this process read and hashed (0 for a check shared with another caller); what the rate applies to. */
  public long bytesHashed() {
    return bytesHashed;
  }

  /** The entries that failed, in the order checked. */
  public ImmutableList<Failure> failures() {
    return failures;
  }

  /** The failures counted by reason code, in reason order. */
  public ImmutableSortedMap<Reason, Integer> failuresByReason() {
    Map<Reason, Integer> m = new EnumMap<>(Reason.class);
    failures.forEach(f -> m.merge(f.reason(), 1, Integer::sum));
    return ImmutableSortedMap.copyOf(m);
  }

  /** The cache listing after the scrub: entries per state, every state present. */
  public ImmutableMap<EntryStatus.State, Integer> entriesByState() {
    return entriesByState;
  }

  /** Whether every checked entry verified. */
  public boolean ok() {
    return failures.isEmpty();
  }
}
