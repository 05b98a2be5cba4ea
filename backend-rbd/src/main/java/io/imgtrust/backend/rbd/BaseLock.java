package io.imgtrust.backend.rbd;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.time.Duration;
import java.util.UUID;

/**
 * The cluster-wide lock on one verified base: a RADOS exclusive advisory lock on the object
 * {@code imgtrust_base_lock.<base>} in the pool, held while a host checks, builds or replaces the base. Every host
 * and thread takes it with its own cookie; a wait ends after {@code wait} in {@code LOCK_TIMEOUT}, and the lock
 * itself expires after that long, so a killed holder blocks the others at most once that long.
 */
final class BaseLock implements AutoCloseable {
  private static final String NAME = "imgtrust";
  private final RbdPool pool;
  private final String oid;
  private final String cookie;

  private BaseLock(RbdPool pool, String oid, String cookie) {
    this.pool = pool;
    this.oid = oid;
    this.cookie = cookie;
  }

  static BaseLock acquire(RbdPool pool, String base, Duration wait) throws ImageTrustException {
    String oid = "imgtrust_base_lock." + base;
    String cookie = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      int rc = LibRados.INSTANCE.rados_lock_exclusive(pool.io().getPointer(), oid, NAME, cookie,
          "imgtrust verified base", new LibRados.TimeVal(Math.max(1, wait.toSeconds())), (byte) 0);
      if (rc == 0) {
        return new BaseLock(pool, oid, cookie);
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

  /** Drops the lock; a failure only means it expires later. */
  @Override
  public void close() {
    LibRados.INSTANCE.rados_unlock(pool.io().getPointer(), oid, NAME, cookie);
  }
}
