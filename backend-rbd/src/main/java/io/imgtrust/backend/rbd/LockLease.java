package io.imgtrust.backend.rbd;

import com.google.common.base.Ticker;
import java.time.Duration;

/**
 * How long a lock taken for {@code duration} is still held: it is held from the start of the last successful (re)lock
 * request until {@code duration} later, less a tenth of it as margin for clock drift between this host and the OSD.
 * A renewal that hangs or a long pause of this process thus ends the hold though no renewal has failed. Not
 * thread-safe: its owner synchronizes.
 */
final class LockLease {
  private final Ticker ticker;
  private final long holdNanos;
  private long lastOk;

  /** A lease whose lock request started at {@code startedNanos} of {@code ticker} and succeeded. */
  LockLease(Ticker ticker, Duration duration, long startedNanos) {
    this.ticker = ticker;
    this.holdNanos = duration.toNanos() - duration.toNanos() / 10;
    this.lastOk = startedNanos;
  }

  /** Now, on this lease's ticker: read it before a (re)lock request, and pass it to {@link #renewed} on success. */
  long now() {
    return ticker.read();
  }

  /** The (re)lock request started at {@code startedNanos} succeeded. */
  void renewed(long startedNanos) {
    lastOk = Math.max(lastOk, startedNanos);
  }

  /** True once the lock may have expired: no request that started within the hold time succeeded. */
  boolean expired() {
    return ticker.read() - lastOk >= holdNanos;
  }
}
