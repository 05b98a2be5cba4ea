package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdException;
import com.ceph.rbd.RbdImage;
import com.ceph.rbd.jna.RbdSnapInfo;
import com.google.common.io.BaseEncoding;
import com.sun.jna.ptr.LongByReference;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.ledger.LedgerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clone mode's verified bases: one RBD image {@code imgtrust-base_<cache name>} per image in the pool, made once on
 * the cluster by a verified import, with a protected snapshot {@link #SNAPSHOT} and a {@link BaseSeal} in its
 * metadata sealed with the {@link ClusterKey}. {@link #ensure} checks an existing base's seal (no bytes read) or,
 * under the cluster-wide {@link BaseLock}, makes it; a base whose seal fails, whose snapshot is not the sealed one,
 * or (with {@code recheck = always}) whose snapshot's bytes differ from the record, is set aside as
 * {@code <base>~rejected-<random>} (its clones keep working) and made again from the cache.
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

  VerifiedBases(RbdPool pool, ClusterKey key, Duration lockWait, boolean recheck) {
    this.pool = pool;
    this.key = key;
    this.lockWait = lockWait;
    this.recheck = recheck;
  }

  /**
   * A base ready to clone (sealed), or one just made from bytes that failed verification in warn mode (then named
   * {@code <base>~unverified-<random>}, for this caller alone).
   */
  static final class Base {
    final String name;
    /** The import that made it in this call; empty when it existed. */
    final Optional<CopyReport> built;
    final String sealedBy;

    Base(String name, Optional<CopyReport> built, String sealedBy) {
      this.name = name;
      this.built = built;
      this.sealedBy = sealedBy;
    }

    /** Made from bytes that failed verification (warn mode): never sealed, never cloned. */
    boolean unverified() {
      return built.isPresent() && built.get().failure().isPresent();
    }
  }

  static String baseName(CacheEntry e) {
    return PREFIX + e.name();
  }

  /** The verified base of {@code source}'s entry, made from it (the seam for any other verified source) if needed. */
  Base ensure(CacheEntry entry, RbdImport.Source<CopyReport> source) throws ImageTrustException {
    String name = baseName(entry);
    LedgerRecord record = entry.record();
    try (BaseLock held = lock(name)) {
      if (pool.exists(name)) {
        Optional<String> sealedBy = accepted(name, (seal, snapId) -> seal.mismatch(record, snapId), Optional.of(record));
        if (sealedBy.isPresent()) {
          return new Base(name, Optional.empty(), sealedBy.get());
        }
      }
      CopyReport r = RbdImport.run(pool, name, record.size(), source);
      if (r.failure().isPresent()) {
        // never left under the base's name once the lock is released: a concurrent spawn would set it aside
        String own = name + UNVERIFIED + BaseEncoding.base16().lowerCase().encode(RbdImport.randomBytes());
        pool.rename(name, own);
        return new Base(own, Optional.of(r), "");
      }
      return new Base(name, Optional.of(r), seal(name, (snapId, host, at) -> BaseSeal.of(record, snapId, host, at)));
    }
  }

  /** What a stored seal must say for the caller to take the base: why it does not, or empty. */
  @FunctionalInterface
  interface SealCheck {
    Optional<String> mismatch(BaseSeal seal, long snapId);
  }

  /** Makes the seal of a base just snapshotted. */
  @FunctionalInterface
  interface SealMaker {
    BaseSeal make(long snapId, String host, Instant at);
  }

  /** The cluster-wide lock of base {@code name}. */
  BaseLock lock(String name) throws ImageTrustException {
    return BaseLock.acquire(pool, name, lockWait);
  }

  /**
   * Who sealed base {@code name}, when its seal verifies and passes {@code check} (and, with {@code recheck =
   * always} and a {@code record}, its snapshot's bytes match it); else sets it aside (logged) and returns empty.
   */
  Optional<String> accepted(String name, SealCheck check, Optional<LedgerRecord> record)
      throws ImageTrustException {
    Optional<String> problem;
    String sealedBy = "";
    RbdImage image = pool.open(name);
    try {
      String body = metadata(image, BaseSeal.BODY_KEY);
      Optional<BaseSeal> seal = key.verifies(body, metadata(image, BaseSeal.MAC_KEY)) ? BaseSeal.parse(body)
          : Optional.empty();
      if (seal.isEmpty()) {
        problem = Optional.of("its seal does not verify under this host's cluster key (edited, unsealed, or sealed "
            + "with another key)");
      } else {
        problem = check.mismatch(seal.get(), snapshotId(image));
        sealedBy = seal.get().sealedBy();
      }
    } finally {
      close(image);
    }
    if (problem.isEmpty() && recheck && record.isPresent()) {
      problem = BaseRecheck.mismatch(pool, name, SNAPSHOT, record.get());
    }
    if (problem.isEmpty()) {
      return Optional.of(sealedBy);
    }
    String aside = name + "~rejected-" + BaseEncoding.base16().lowerCase().encode(RbdImport.randomBytes());
    log.warn("verified base {} refused: {}; set aside as {} (clones of it keep working) and made again", pool.spec(
        name), problem.get(), aside);
    pool.rename(name, aside);
    return Optional.empty();
  }

  /** Snapshots base {@code name}, protects the snapshot, and seals it with what {@code maker} makes. */
  String seal(String name, SealMaker maker) throws ImageTrustException {
    RbdImage image = pool.open(name);
    try {
      image.snapCreate(SNAPSHOT);
      image.snapProtect(SNAPSHOT);
      String host = hostName();
      BaseSeal seal = maker.make(snapshotId(image), host, Instant.now());
      setMetadata(image, BaseSeal.BODY_KEY, seal.body());
      setMetadata(image, BaseSeal.MAC_KEY, key.mac(seal.body()));
      return seal.sealedBy();
    } catch (RbdException e) {
      throw CephErrors.of("cannot snapshot " + pool.spec(name), e);
    } finally {
      close(image);
    }
  }

  private static long snapshotId(RbdImage image) throws ImageTrustException {
    try {
      for (RbdSnapInfo s : image.snapList()) {
        if (SNAPSHOT.equals(s.name)) {
          return s.id;
        }
      }
      return -1;
    } catch (RbdException e) {
      throw CephErrors.of("cannot list the snapshots of " + image.getName(), e);
    }
  }

  private static String metadata(RbdImage image, String key) throws ImageTrustException {
    byte[] buf = new byte[64 * 1024];
    LongByReference len = new LongByReference(buf.length);
    int rc = LibRbd.INSTANCE.rbd_metadata_get(image.getPointer(), key, buf, len);
    if (rc == -CephErrors.ENOENT) {
      return "";
    }
    if (rc < 0) {
      throw CephErrors.of("cannot read metadata " + key + " of " + image.getName(), rc, null);
    }
    int n = 0;
    while (n < buf.length && buf[n] != 0) {
      n++;
    }
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  private static void setMetadata(RbdImage image, String key, String value) throws ImageTrustException {
    int rc = LibRbd.INSTANCE.rbd_metadata_set(image.getPointer(), key, value);
    if (rc < 0) {
      throw CephErrors.of("cannot write metadata " + key + " of " + image.getName(), rc, null);
    }
  }

  private static void close(RbdImage image) {
    try {
      image.close();
    } catch (RbdException e) {
      log.warn("closing {} failed: {}", image.getName(), CephErrors.name(CephErrors.errno(e)));
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown host";
    }
  }
}
