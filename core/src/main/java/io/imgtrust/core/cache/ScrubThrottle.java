package io.imgtrust.core.cache;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.util.concurrent.Uninterruptibles;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces a scrub to an average byte rate, entry by entry. Not thread-safe: one scrub uses one throttle.
 *
 * <p>The model is Guava's {@code RateLimiter} paying after the fact: an entry is hashed at full speed, then its
 * bytes are charged, and the next entry may only start once those bytes are paid for at the rate. Time spent
 * hashing counts toward the payment, so a pass slower than the rate is never slowed down further. Nothing is held
 * while waiting: callers check an entry (taking and releasing its lock) between {@link #awaitTurn()} and
 * {@link #charge(long)}.
 *
 * <p>Guava's {@code RateLimiter} itself is not used: it takes {@code int} permits (entries exceed 2 GiB), it lets a
 * second of unused rate accumulate as a burst, and its stopwatch cannot be replaced in tests.
 */
final class ScrubThrottle {
  /** Sleeps; replaceable so tests can record sleeps instead of waiting. */
  @FunctionalInterface
  interface Sleeper {
    void sleepNanos(long nanos);
  }

  static final Sleeper REAL_SLEEPER = n -> Uninterruptibles.sleepUninterruptibly(n, TimeUnit.NANOSECONDS);

  private final double nanosPerByte;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long nextFree = Long.MIN_VALUE;
  private long turnStart;
  private boolean inTurn;

  private ScrubThrottle(double nanosPerByte, LongSupplier nanoTime, Sleeper sleeper) {
    this.nanosPerByte = nanosPerByte;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /** A throttle at {@code bytesPerSecond}; 0 or less means unlimited (never sleeps). */
  static ScrubThrottle of(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
    return new ScrubThrottle(bytesPerSecond <= 0 ? 0 : 1e9 / bytesPerSecond, nanoTime, sleeper);
  }

  boolean unlimited() {
    return nanosPerByte == 0;
  }

  /** Waits until the bytes charged so far are paid for at the rate; then the next entry may start. */
  void awaitTurn() {
    checkState(!inTurn, "awaitTurn() twice without charge()");
    long now = nanoTime.getAsLong();
    if (!unlimited() && nextFree != Long.MIN_VALUE && nextFree - now > 0) {
      sleeper.sleepNanos(nextFree - now);
      now = nextFree;
    }
    turnStart = now;
    inTurn = true;
  }

  /** Charges the bytes the entry begun at the last {@link #awaitTurn()} read; the next turn waits for them. */
  void charge(long bytes) {
    checkArgument(bytes >= 0, "bytes < 0: %s", bytes);
    checkState(inTurn, "charge() without awaitTurn()");
    inTurn = false;
    nextFree = turnStart + (long) Math.ceil(bytes * nanosPerByte);
  }
}
