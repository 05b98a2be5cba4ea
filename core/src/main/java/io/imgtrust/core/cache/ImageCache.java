package io.imgtrust.core.cache;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.format.FormatGate;
import io.imgtrust.core.internal.ledger.HostKey;
import io.imgtrust.core.internal.ledger.Ledger;
import io.imgtrust.core.internal.locks.EntryLocks;
import io.imgtrust.core.io.CommandRunner;
import io.imgtrust.core.io.ImageSource;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.policy.Policy;
import io.imgtrust.core.verify.ImageVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The verified image cache ({@code <instances_path>/_base}): fill with verification and conversion, sealed records,
 * recheck, quarantine. Thread-safe, and safe across processes sharing the directory (per-entry file locks).
 *
 * <p>Guarantees: a cache file only appears under its final name after its bytes verified against the Glance
 * metadata and its sealed record was written; cache files are read-only (0444) and never opened for writing; a file
 * that fails a check is moved to {@code .quarantine/}, never deleted. Not guaranteed: that bytes stay intact between
 * checks; consumers verify what they read against {@link CacheEntry#record()}.
 */
public final class ImageCache {
  private final CacheLayout layout;
  private final Ledger ledger;
  private final EntryLocks locks;
  private final Quarantine quarantine;
  private final CacheFill fill;
  private final EntryCheck check;
  private final Sealing sealing;
  private final Policy policy;
  private final io.imgtrust.core.metrics.WarnCounter warnings;
  private final CommandRunner runner;

  private ImageCache(CacheLayout layout, Ledger ledger, CacheFill fill, Policy policy,
      ImageVerifier.TrustSource trust, io.imgtrust.core.metrics.WarnCounter warnings,
      java.time.Duration lockTimeout, boolean immutableFiles, CommandRunner runner) {
    this.runner = runner;
    this.warnings = warnings;
    this.layout = layout;
    this.ledger = ledger;
    this.locks = new EntryLocks(layout.locks(), lockTimeout);
    ImmutableFiles flags = new ImmutableFiles(immutableFiles, runner);
    this.quarantine = new Quarantine(layout, flags);
    this.sealing = new Sealing(ledger, flags);
    this.fill = fill;
    this.policy = policy;
    this.check = new EntryCheck(layout, ledger, locks, quarantine, sealing, policy, trust);
  }

  /**
   * Initialises what opening a cache and reading its sealed records meets first (the HMAC's security providers, the
   * timestamp parser), so that a spare thread can do it early. Purely an optimisation: nothing is read or written.
   */
  public static void preload() {
    io.imgtrust.core.internal.ledger.Ledger.preload();
  }

  /** The cache of {@code config}: directory, host key, policy, trust settings, {@code force_raw_images}. */
  public static ImageCache open(ImgtrustConfig config) throws ImageTrustException {
    return open(config, CommandRunner.system());
  }

  /** As {@link #open(ImgtrustConfig)}, running qemu-img, chattr and lsattr through {@code runner}. */
  public static ImageCache open(ImgtrustConfig config, CommandRunner runner) throws ImageTrustException {
    CacheLayout layout = CacheLayout.open(config.cacheDir());
    Ledger ledger = Ledger.open(layout.records(), HostKey.loadOrCreate(config.path(Key.HOST_KEY_FILE)));
    CacheFill fill = new CacheFill(layout, ledger, ImageVerifier.fromConfig(config),
        FormatGate.of(config.list(Key.ALLOWED_DISK_FORMATS), config.bytes(Key.MAX_VIRTUAL_SIZE), runner),
        config.bool(Key.FORCE_RAW_IMAGES), runner);
    return new ImageCache(layout, ledger, fill, Policy.fromConfig(config), ImageVerifier.trustSource(config),
        io.imgtrust.core.metrics.WarnCounter.fromConfig(config),
        java.time.Duration.ofSeconds(config.number(Key.LOCK_TIMEOUT_SECONDS)), config.bool(Key.IMMUTABLE_FILES), runner);
  }

  public Path directory() {
    return layout.dir();
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Fills the cache with {@code source} (the download), verified against {@code meta}. An entry that is already
   * present and valid is returned as is (hashed first if its file changed since it was sealed); one without a valid
   * record, or whose content no longer matches it, is quarantined and refilled. The new cache file is made immutable
   * where {@code [image_cache] immutable_files} and the filesystem allow, and its record sealed with its final
   * identity.
   */
  public CacheEntry add(Path source, ImageMetadata meta) throws ImageTrustException {
    return add(source, meta, io.imgtrust.core.digest.CopyProgress.NONE);
  }

  /** Like {@link #add(Path, ImageMetadata)}, reporting the fill's progress. */
  public CacheEntry add(Path source, ImageMetadata meta, io.imgtrust.core.digest.CopyProgress progress)
      throws ImageTrustException {
    return add(meta, name -> fill.fill(name, source, meta, progress));
  }

  /**
   * Like {@link #add(Path, ImageMetadata, io.imgtrust.core.digest.CopyProgress)} with the bytes read from
   * {@code source} (a download), which is opened only when the entry has to be filled: concurrent adds of one image
   * (threads or processes) wait for the entry's lock, and all but the first find it cached and never open theirs.
   */
  public CacheEntry add(ImageSource source, ImageMetadata meta, io.imgtrust.core.digest.CopyProgress progress)
      throws ImageTrustException {
    return add(meta, name -> fill.fill(name, source, meta, progress));
  }

  /** One fill of an entry, under its lock. */
  @FunctionalInterface
  private interface Filler {
    CacheEntry fill(String name) throws ImageTrustException;
  }

  private CacheEntry add(ImageMetadata meta, Filler filler) throws ImageTrustException {
    String name = CacheLayout.nameOf(meta.id());
    try (EntryLocks.Held lock = locks.acquire(name)) {
      fill.removeLeftovers(name);
      if (Files.exists(layout.file(name), LinkOption.NOFOLLOW_LINKS)) {
        Optional<CacheEntry> kept = keep(meta.id(), name);
        if (kept.isPresent()) {
          return kept.get();
        }
      }
      CacheEntry e = filler.fill(name);
      try {
        return new CacheEntry(e.imageId(), e.file(), sealing.seal(e.file(), e.record()));
      } catch (IOException x) {
        throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot seal " + e.file() + ": " + IoErrors.describe(x), x);
      }
    }
  }

  /** The present entry if it is intact (hashed when its file changed); else it is quarantined and empty returned. */
  private Optional<CacheEntry> keep(String imageId, String name) throws ImageTrustException {
    CacheEntry e;
    try {
      e = Entries.sealed(layout, ledger, imageId, name);
    } catch (ImageTrustException x) {
      Entries.quarantine(layout, ledger, quarantine, imageId, name, x);
      return Optional.empty();
    }
    if (Entries.settled(e)) {
      return Optional.of(e);
    }
    try {
      check.checkHeld(imageId, name, java.time.Instant.now(), true);
      return Optional.of(Entries.sealed(layout, ledger, imageId, name));
    } catch (ImageTrustException x) {
      if (x.reason().kind() != Reason.Kind.REFUSED) {
        throw x;
      }
      return Optional.empty();
    }
  }

  /**
   * The entry of {@code imageId} as its sealed record stands now, without hashing: the seal verifies, the record names
   * this image and is not quarantined. Unlike {@link #entry} it does not judge a file that changed since it was sealed
   * (identity, owner, mode): it is for consumers that check every byte they consume anyway (a verified import, or
   * {@link #ensureVerified}), so a changed file is read once per consumption, not twice.
   *
   * @throws ImageTrustException {@code NOT_CACHED} or {@code RECORD_INVALID}
   */
  public CacheEntry sealedEntry(String imageId) throws ImageTrustException {
    return Entries.sealed(layout, ledger, imageId, CacheLayout.nameOf(imageId));
  }

  /**
   * The valid entry of {@code imageId}: its record's seal verifies and names this image. When the file is still the
   * one the record sealed (identity with ctime, owner, mode 0444) it is returned without hashing; otherwise it is
   * {@linkplain #verify checked in full} first (sealed again if intact; in {@code mode = enforce} quarantined and
   * refused with {@code DIGEST_MISMATCH} if not; in {@code warn} logged and returned).
   *
   * @throws ImageTrustException {@code NOT_CACHED}, {@code RECORD_INVALID}, {@code DIGEST_MISMATCH},
   *     {@code SIZE_MISMATCH}, {@code UNSAFE_CACHE}
   */
  public CacheEntry entry(String imageId) throws ImageTrustException {
    String name = CacheLayout.nameOf(imageId);
    CacheEntry e = Entries.sealed(layout, ledger, imageId, name);
    if (Entries.settled(e)) {
      return e;
    }
    verify(imageId);
    return Entries.sealed(layout, ledger, imageId, name);
  }

  /**
   * Hashes the entry again and compares it with its record, chunk by chunk; concurrent callers share one pass. On
   * failure in {@code mode = enforce} the file is quarantined and the refusal thrown ({@code DIGEST_MISMATCH} names
   * the first bad chunk); in {@code warn} it is logged, counted ({@link io.imgtrust.core.metrics.WarnCounter}) and
   * returned in {@link CheckResult#failure()}.
   */
  public CheckResult verify(String imageId) throws ImageTrustException {
    return counted(check.check(imageId, policy.enforce()));
  }

  /**
   * Checks the cache file named {@code name} (a file in {@code _base}), whatever its record says: by its image id
   * when it has a valid record ({@link #verify}); a file without one (planted, or its record removed or altered) is
   * refused with {@code RECORD_INVALID}, and quarantined in {@code mode = enforce}.
   */
  public CheckResult verifyFile(String name) throws ImageTrustException {
    return counted(check.checkFile(name, policy.enforce()));
  }

  /** Counts a failure {@code mode = warn} let through ({@code check} says where it was found); never throws. */
  public void countWarned(io.imgtrust.core.metrics.WarnCounter.Check where, Reason reason) {
    warnings.count(where, reason);
  }

  private CheckResult counted(CheckResult r) {
    r.failure().ifPresent(f -> countWarned(io.imgtrust.core.metrics.WarnCounter.Check.RECHECK, f.reason()));
    return r;
  }

  /**
   * Rechecks the entry per {@code [verification] recheck}: always; with {@code interval} only when the last full
   * verification is older than {@code recheck_interval_seconds}; never. Whatever the policy, a file that is not the
   * one its record sealed (device, inode, size, mtime, ctime), or is not owned by this process's user with mode 0444,
   * is checked in full. The record's seal is checked in every case. A skipped recheck returns a result with
   * {@code bytesHashed() == 0}.
   */
  public CheckResult ensureVerified(String imageId) throws ImageTrustException {
    CacheEntry e = Entries.sealed(layout, ledger, imageId, CacheLayout.nameOf(imageId));
    if (Entries.settled(e) && !policy.needsRecheck(e.record(), java.time.Instant.now())) {
      return new CheckResult(imageId, 0, false, null);
    }
    return verify(imageId);
  }

  /**
   * The image id whose cache file {@code file} is (after resolving symlinks), if {@code file} lies in this cache.
   *
   * @throws ImageTrustException {@code RECORD_INVALID} when the file is in the cache but has no sealed record
   */
  public Optional<String> imageIdOf(Path file) throws ImageTrustException {
    Path real;
    Path dir;
    try {
      real = file.toRealPath();
      dir = layout.dir().toRealPath();
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!dir.equals(real.getParent())) {
      return Optional.empty();
    }
    String name = real.getFileName().toString();
    String id = ledger.read(name).map(r -> r.imageId()).orElseThrow(() -> ImageTrustException.of(
        Reason.RECORD_INVALID, "cache file " + real + " has no record with a valid seal"));
    if (!CacheLayout.nameOf(id).equals(name)) {
      throw ImageTrustException.of(Reason.RECORD_INVALID, "cache file " + real + " is not named after image " + id);
    }
    return Optional.of(id);
  }

  /** Quarantines an entry a consumer found bad (e.g. a failed import), marking its record. */
  public void quarantine(CacheEntry entry, ImageTrustException why) throws ImageTrustException {
    try (EntryLocks.Held lock = locks.acquire(entry.name())) {
      Entries.quarantine(layout, ledger, quarantine, entry.imageId(), entry.name(), why);
    }
  }

  /**
   * Every entry with a record file and every other file in {@code _base} (a file without a record is listed as
   * {@code RECORD_INVALID}), by name, and its state. Dot-files (records, quarantine, a fill's temporaries) are not
   * entries.
   */
  public ImmutableList<EntryStatus> list() throws ImageTrustException {
    java.util.SortedSet<String> names = new java.util.TreeSet<>(ledger.names());
    try (java.util.stream.Stream<Path> files = Files.list(layout.dir())) {
      files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(names::add);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot list " + layout.dir() + ": " + IoErrors.describe(e), e);
    }
    ImmutableList.Builder<EntryStatus> out = ImmutableList.builder();
    for (String name : names) {
      out.add(EntryStatus.of(name, ledger.read(name), layout.file(name)));
    }
    return out.build();
  }

  /** Whether cache file {@code name} has the immutable flag; empty when it cannot be told. */
  public Optional<Boolean> immutable(String name) {
    return ImmutableFiles.isSet(runner, layout.file(name));
  }

  /** The reason files of quarantined cache files, oldest first. */
  public ImmutableList<Path> quarantined() throws ImageTrustException {
    return quarantine.reasonFiles();
  }

  /** The record file of {@code imageId}'s entry (for operators and tests). */
  public Path recordFile(String imageId) {
    return ledger.pathOf(CacheLayout.nameOf(imageId));
  }

  /** The cache file {@code imageId} would have. */
  public Path fileOf(String imageId) {
    return layout.file(CacheLayout.nameOf(imageId));
  }

  /** The entry of {@code imageId} if it is valid and its file unchanged since it was sealed, else empty (for
   * listings; never hashes). */
  public Optional<CacheEntry> find(String imageId) {
    try {
      CacheEntry e = Entries.sealed(layout, ledger, imageId, CacheLayout.nameOf(imageId));
      return Entries.settled(e) ? Optional.of(e) : Optional.empty();
    } catch (ImageTrustException e) {
      return Optional.empty();
    }
  }
}
