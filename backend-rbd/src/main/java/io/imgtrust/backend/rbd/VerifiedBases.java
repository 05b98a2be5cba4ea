package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdImage;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import com.google.common.io.BaseEncoding;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.ledger.LedgerRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clone mode's verified bases: one RBD image {@code imgtrust-base_<cache name>} per image in the pool, made once on
 * the cluster by a verified import ({@link BaseBuild}), with a protected snapshot {@link #SNAPSHOT} and a
 * {@link BaseSeal} in its metadata sealed with the {@link ClusterKey}. {@link #ensure} takes the cluster-wide
 * {@link BaseLock} and checks an existing base's seal (no bytes read) or makes it; the lock is held until the returned
 * {@link Base} is closed, so the clone is made under it too, and {@link #cloneAs} checks that the clone's parent is the
 * very snapshot whose seal was checked. A base whose seal fails, whose snapshot is not the sealed one (another
 * cluster, pool, image id or snapshot id), or (with {@code recheck = always}) whose snapshot's bytes differ from its
 * sealed chunk digests, is set aside as {@code <base>~rejected-<random>} (its clones keep working) and made again. A
 * base sealed with another cluster key (its fingerprint says so) is {@code BAD_CONFIG} and left alone.
 */
final class VerifiedBases {
  private static final Logger log = LoggerFactory.getLogger(VerifiedBases.class);
  static final String SNAPSHOT = "imgtrust";
  static final String PREFIX = "imgtrust-base_";
  /** A warn-mode import that failed verification, renamed under the lock for the spawn that made it to take. */
  static final String UNVERIFIED = "~unverified-";
  private final RbdPool pool;
  private final ClusterKey key;
  private final Duration lockWait;
  private final boolean recheck;
  private final BaseSeam seam;

  VerifiedBases(RbdPool pool, ClusterKey key, Duration lockWait, boolean recheck) {
    this(pool, key, lockWait, recheck, BaseSeam.NONE);
  }

  VerifiedBases(RbdPool pool, ClusterKey key, Duration lockWait, boolean recheck, BaseSeam seam) {
    this.pool = pool;
    this.key = key;
    this.lockWait = lockWait;
    this.recheck = recheck;
    this.seam = seam;
  }

  /**
   * A base held under its lock until {@link #close}: ready to clone (sealed), or one just made from bytes that failed
   * verification in warn mode (then named {@code <base>~unverified-<random>}, for this caller alone).
   */
  static final class Base<R> implements AutoCloseable {
    final String name;
    /** What made it in this call; empty when it existed. */
    final Optional<R> built;
    final String sealedBy;
    /** The snapshot whose seal was checked or written; empty when unverified. */
    final Optional<BaseRef> sealed;
    private final BaseLock lock;

    Base(String name, Optional<R> built, String sealedBy, Optional<BaseRef> sealed, BaseLock lock) {
      this.name = name;
      this.built = built;
      this.sealedBy = sealedBy;
      this.sealed = sealed;
      this.lock = lock;
    }

    /** Made from bytes that failed verification (warn mode): never sealed, never cloned. */
    boolean unverified() {
      return sealed.isEmpty();
    }

    /** Releases the base's lock. */
    @Override
    public void close() {
      lock.close();
    }
  }

  static String baseName(CacheEntry e) {
    return PREFIX + e.name();
  }

  /** What a stored seal must say for the caller to take the base: why it does not, or empty. */
  @FunctionalInterface
  interface SealCheck {
    Optional<String> mismatch(BaseSeal seal, BaseRef found);
  }

  /**
   * The verified base of {@code entry}, made from {@code source} (its verified import) if needed, held under its lock
   * until closed.
   */
  Base<CopyReport> ensure(CacheEntry entry, RbdImport.Source<CopyReport> source) throws ImageTrustException {
    String name = baseName(entry);
    LedgerRecord record = entry.record();
    return ensure(name, record.size(), source, (seal, found) -> seal.mismatch(record, found),
        r -> r.failure().isPresent() ? Optional.empty() : Optional.of(record.chunks()),
        (r, stamp) -> BaseSeal.of(record, stamp));
  }

  /**
   * Base {@code name}: taken when its seal verifies and {@code check} passes, else made from {@code source} (of
   * {@code size} bytes) with the chunk digests {@code chunks} gives (empty: failed verification, warn mode) and the
   * seal {@code maker} makes. Held under its lock until closed.
   */
  <R> Base<R> ensure(String name, long size, RbdImport.Source<R> source, SealCheck check,
      Function<R, Optional<List<HashCode>>> chunks, BaseBuild.SealMaker<R> maker)
      throws ImageTrustException {
    BaseLock lock = BaseLock.acquire(pool, name, lockWait);
    try {
      Optional<RbdImage> existing = pool.openIfPresent(name);
      if (existing.isPresent()) {
        Optional<Base<R>> taken = accepted(name, existing.get(), check, lock);
        if (taken.isPresent()) {
          return taken.get();
        }
      }
      BaseBuild.Built<R> b = new BaseBuild(pool, key, seam).make(name, size, source, chunks, maker);
      lock.check();
      if (b.ref.isEmpty()) {
        // never left under the base's name: a concurrent spawn would set it aside
        String own = name + UNVERIFIED + BaseEncoding.base16().lowerCase().encode(RbdImport.randomBytes());
        pool.rename(name, own);
        return new Base<>(own, Optional.of(b.report), "", Optional.empty(), lock);
      }
      return new Base<>(name, Optional.of(b.report), b.sealedBy, b.ref, lock);
    } catch (ImageTrustException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Base {@code name} (open as {@code image}, which this closes) when its seal verifies under this host's key, is about
   * the snapshot it is found on and passes {@code check} (and, with {@code recheck = always}, the snapshot holds its
   * sealed chunk digests); else sets it aside (logged) and returns empty.
   *
   * @throws ImageTrustException {@code BAD_CONFIG} when it was sealed with another cluster key (left alone)
   */
  private <R> Optional<Base<R>> accepted(String name, RbdImage image, SealCheck check, BaseLock lock)
      throws ImageTrustException {
    Optional<String> problem;
    BaseSeal seal = null;
    BaseRef found;
    String chunks = "";
    try {
      String body = RbdImages.metadata(image, BaseSeal.BODY_KEY);
      Optional<BaseSeal> parsed = BaseSeal.parse(body);
      found = RbdImages.ref(pool, image);
      if (parsed.isPresent() && key.verifies(body, RbdImages.metadata(image, BaseSeal.MAC_KEY))) {
        seal = parsed.get();
        problem = check.mismatch(seal, found);
        chunks = recheck ? RbdImages.metadata(image, BaseSeal.CHUNKS_KEY) : "";
      } else {
        requireSameKey(name, parsed);
        problem = Optional.of("its seal does not verify under this host's cluster key (edited, or unsealed)");
      }
    } finally {
      RbdImages.close(image);
    }
    if (problem.isEmpty() && recheck) {
      problem = rechecked(seal, found, chunks);
    }
    if (problem.isEmpty()) {
      return Optional.of(new Base<>(name, Optional.empty(), seal.sealedBy(), Optional.of(found), lock));
    }
    String aside = name + "~rejected-" + BaseEncoding.base16().lowerCase().encode(RbdImport.randomBytes());
    log.warn("verified base {} refused: {}; set aside as {} (clones of it keep working) and made again", pool.spec(
        name), problem.get(), aside);
    pool.rename(name, aside);
    return Optional.empty();
  }

  /** Why snapshot {@code found} does not hold the chunk digests {@code seal} binds (stored as {@code chunks}). */
  private Optional<String> rechecked(BaseSeal seal, BaseRef found, String chunks) throws ImageTrustException {
    Optional<ImmutableList<HashCode>> list = seal.chunks(chunks);
    if (list.isEmpty()) {
      return Optional.of("its chunk digests (" + BaseSeal.CHUNKS_KEY + ") are missing or not the sealed ones");
    }
    return BaseRecheck.mismatch(pool, found, list.get(), seal.size());
  }

  /** {@code BAD_CONFIG} when a seal that did not verify names another cluster key than this host's. */
  private void requireSameKey(String name, Optional<BaseSeal> parsed) throws ImageTrustException {
    Optional<String> theirs = parsed.flatMap(BaseSeal::keyFingerprint);
    if (theirs.isPresent() && !theirs.get().equals(key.fingerprint())) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, "verified base " + pool.spec(name) + " was sealed with the "
          + "cluster key of fingerprint " + theirs.get() + ", but this host's [rbd] cluster_key_file has fingerprint "
          + key.fingerprint() + ": every host of a cluster needs the same key; the base was left as it is",
          ImmutableMap.of("section", "rbd", "option", "cluster_key_file", "sealed_with", theirs.get(),
              "this_host", key.fingerprint()));
    }
  }

  /**
   * Makes disk {@code child} of {@code size} bytes (at least the base's) as a clone of {@code base}'s sealed snapshot,
   * under its lock, without the base's seal metadata (librbd copies a parent's metadata to a clone; the chunk list
   * alone is 16 KiB per GiB), and refuses ({@code RECORD_INVALID}, the clone removed) when the clone's parent is not that
   * snapshot (cluster, pool id, image id and snapshot id): the base's name was swapped after its seal was checked.
   */
  void cloneAs(Base<?> base, String child, long size) throws ImageTrustException {
    BaseRef sealed = base.sealed.orElseThrow(() -> new IllegalStateException("an unverified base is never cloned"));
    RbdImport.build(pool, child, tmp -> {
      BaseSeam.run(seam, BaseSeam.Point.BEFORE_CLONE, base.name);
      base.lock.check();
      pool.cloneOf(base.name, SNAPSHOT, tmp);
      RbdImage clone = pool.open(tmp);
      try {
        for (String key : BaseSeal.KEYS) {
          RbdImages.removeMetadata(clone, key);
        }
        BaseRef parent = RbdImages.parent(pool, clone);
        if (!parent.equals(sealed)) {
          throw RbdImages.notSealed("the parent of clone " + pool.spec(tmp) + " (" + pool.spec(base.name) + "@"
              + SNAPSHOT + ")", sealed, parent);
        }
        RbdImages.grow(pool, clone, size);
      } finally {
        RbdImages.close(clone);
      }
      return null;
    });
  }
}
