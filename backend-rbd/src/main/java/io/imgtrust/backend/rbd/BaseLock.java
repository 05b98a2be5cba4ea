package io.imgtrust.backend.rbd;

import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableMap;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide lock on one verified base: a RADOS exclusive advisory lock on the object
 * {@code imgtrust_base_lock.<base>} in the pool, held while a host checks, builds, replaces or clones the base. Every
 * host and thread takes it with its own cookie; a wait ends after {@code wait} in {@code LOCK_TIMEOUT}. The lock
 * expires after that long, so a killed holder blocks the others at most once that long; a live holder renews it every
 * third of that ({@code LIBRADOS_LOCK_FLAG_MUST_RENEW}), however long its import takes. {@link #check} throws when a
 * renewal failed (the lock expired meanwhile, and another may hold it), and also when no (re)lock succeeded within
 * the lock's duration ({@link LockLease}): a renewal that hangs in librados, or a long pause of this process.
 */
final class BaseLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BaseLock.class);
  private static final String NAME = "imgtrust";
  /** {@code LIBRADOS_LOCK_FLAG_MUST_RENEW}: renew this cookie's lock; {@code -ENOENT} when it does not hold it. */
  private static final byte MUST_RENEW = 2;
  private static final ScheduledExecutorService RENEWALS = Executors.newSingleThreadScheduledExecutor(
      new ThreadFactoryBuilder().setNameFormat("imgtrust-base-lock-renewal").setDaemon(true).build());
  private final RbdPool pool;
  private final String oid;
  private final String cookie;
  private final Duration duration;
  private ScheduledFuture<?> renewal;
  private LockLease lease;
  private boolean closed;
  private boolean lost;

  private BaseLock(RbdPool pool, String oid, String cookie, Duration duration) {
    this.pool = pool;
    this.oid = oid;
    this.cookie = cookie;
    this.duration = duration;
  }

  static BaseLock acquire(RbdPool pool, String base, Duration wait) throws ImageTrustException {
    return acquire(pool, base, wait, Ticker.systemTicker());
  }

  /** As {@link #acquire(RbdPool, String, Duration)}, timing the lock's hold on {@code ticker} (tests pause it). */
  static BaseLock acquire(RbdPool pool, String base, Duration wait, Ticker ticker) throws ImageTrustException {
    String oid = "imgtrust_base_lock." + base;
    BaseLock lock = new BaseLock(pool, oid, UUID.randomUUID().toString(), Duration.ofSeconds(Math.max(1,
        wait.toSeconds())));
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long started = ticker.read();
      int rc = lock.take((byte) 0);
      if (rc == 0) {
        lock.lease = new LockLease(ticker, lock.duration, started);
        long period = lock.duration.toMillis() / 3;
        lock.renewal = RENEWALS.scheduleWithFixedDelay(lock::renew, period, period, TimeUnit.MILLISECONDS);
        return lock;
      }
      if (rc != -CephErrors.EBUSY) {
        throw CephErrors.of("cannot lock " + pool.spec(oid), rc, null);
      }
      if (System.nanoTime() > deadline) {
        throw ImageTrustException.of(Reason.LOCK_TIMEOUT, "the lock on verified base " + pool.spec(base)
            + " was held by another host or spawn longer than " + wait.toSeconds() + " s",
            ImmutableMap.of("lock", pool.spec(oid)));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ImageTrustException.of(Reason.LOCK_TIMEOUT, "interrupted waiting for " + pool.spec(oid));
      }
    }
  }

  private int take(byte flags) {
    return LibRados.INSTANCE.rados_lock_exclusive(pool.io().getPointer(), oid, NAME, cookie,
        "imgtrust verified base", new LibRados.TimeVal(duration.toSeconds()), flags);
  }

  /** Renews the lock; not under this object's monitor, so that {@link #check} still answers while it hangs. */
  private void renew() {
    long started;
    synchronized (this) {
      if (closed || lost) {
        return;
      }
      started = lease.now();
    }
    renewed(started, take(MUST_RENEW));
  }

  private synchronized void renewed(long started, int rc) {
    if (rc == 0) {
      lease.renewed(started);
    } else if (!closed) {
      lost = true;
      log.warn("the lock {} could not be renewed ({}); whatever holds it is refused", pool.spec(oid),
          CephErrors.name(-rc));
      renewal.cancel(false);
    }
  }

  /**
   * Throws {@code LOCK_TIMEOUT} when a renewal failed or none succeeded within the lock's duration: another host may
   * hold the lock now.
   */
  synchronized void check() throws ImageTrustException {
    if (lost || lease.expired()) {
      throw ImageTrustException.of(Reason.LOCK_TIMEOUT, "the lock " + pool.spec(oid) + " expired before it was "
          + "renewed; another host may hold it now", ImmutableMap.of("lock", pool.spec(oid)));
    }
  }

  /** Stops renewing and drops the lock; a failure only means it expires later. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      renewal.cancel(false);
      LibRados.INSTANCE.rados_unlock(pool.io().getPointer(), oid, NAME, cookie);
    }
  }
}
