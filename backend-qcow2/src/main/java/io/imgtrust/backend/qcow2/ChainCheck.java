package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.backend.qcow2.DomainDisks.Relabel;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CheckResult;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.format.BackingChain;
import io.imgtrust.core.format.ImageFormat;
import io.imgtrust.core.spi.WarnedFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one qcow2 disk before boot: reads its backing chain from the headers (refusing unsafe chains), requires a
 * {@code <backingStore>} the XML pins to agree with the headers, refuses ({@code UNSAFE_DOMAIN}) a cache file that
 * libvirt would relabel, and rechecks every backing file that lives in the image cache, per the recheck policy. Also
 * checks a disk whose own source is a cache file ({@link #checkDirect}).
 */
final class ChainCheck {
  private static final Logger log = LoggerFactory.getLogger(ChainCheck.class);

  private final ImageCache cache;
  private final ImmutableList<Path> allowedDirs;

  ChainCheck(ImageCache cache, ImmutableList<Path> allowedDirs) {
    this.cache = cache;
    this.allowedDirs = allowedDirs;
  }

  /**
   * Checks the qcow2 {@code disk} of {@code domain}: its chain, that libvirt will not relabel a cache file in it,
   * and a recheck of every cached backing file. Returns what was checked, one phrase per backing file.
   */
  List<String> check(DomainDisks domain, DomainDisks.Disk disk) throws ImageTrustException {
    BackingChain chain;
    try {
      chain = BackingChain.read(disk.source, ImageFormat.QCOW2, allowedDirs, BackingChain.DEFAULT_MAX_DEPTH);
    } catch (ImageTrustException e) {
      throw missingBase(e).orElse(e);
    }
    if (disk.pinned) {
      requireAgreement(disk, chain);
    }
    List<String> notes = new ArrayList<>();
    ImmutableList<BackingChain.Link> links = chain.backingFiles();
    for (int i = 0; i < links.size(); i++) {
      Path base = links.get(i).path();
      Optional<String> id = cacheEntryOf(base);
      if (id.isEmpty()) {
        notes.add("backing file " + base + " outside the cache (allowed by [qcow2] allowed_backing_dirs), not "
            + "rechecked");
        continue;
      }
      Relabel own = i < disk.backingStores.size() ? disk.backingStores.get(i).relabel : Relabel.UNSET;
      if (!Relabelling.off(domain, disk, own)) {
        throw Relabelling.backing(disk, base);
      }
      notes.add("base " + base + " " + recheck(disk, id.get()));
    }
    return notes;
  }

  /**
   * The image id if {@code file} is a cache entry. A file elsewhere inside the cache directory (quarantine, records,
   * temporaries) is never an acceptable disk or backing file.
   */
  Optional<String> cacheEntryOf(Path file) throws ImageTrustException {
    Optional<String> id = cache.imageIdOf(file);
    if (id.isEmpty() && realPath(file).startsWith(realPath(cache.directory()))) {
      throw ImageTrustException.of(Reason.UNTRUSTED_BACKING_FILE, file + " lies inside the image cache but is not a "
          + "cache entry (quarantined, a record or a temporary)", ImmutableMap.of("file", file.toString()));
    }
    return id;
  }

  /**
   * Checks a disk's own source: when it is a cache file, the guest reads the cache directly, so the disk must be
   * read-only (or a cdrom) with relabelling off, and the file is rechecked like a base. Empty when it is not a cache
   * file.
   */
  Optional<String> checkDirect(DomainDisks domain, DomainDisks.Disk disk) throws ImageTrustException {
    Optional<String> id = cacheEntryOf(disk.source);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    if (!disk.readonly || !Relabelling.off(domain, disk, disk.relabel)) {
      throw Relabelling.direct(disk, disk.source);
    }
    return Optional.of("cache file used directly, read-only and not relabelled, " + recheck(disk, id.get()));
  }

  /** Rechecks a cache entry per policy; says what happened. */
  private String recheck(DomainDisks.Disk disk, String id) throws ImageTrustException {
    CheckResult r = cache.ensureVerified(id);
    switch (RecheckReport.outcome(r)) {
      case WarnedFailure.FAILED:
        log.warn("disk {}: cache file of image {} failed its check, booting anyway (mode = warn)", disk.name(), id);
        return "of image " + id + " FAILED its check (mode = warn)";
      case WarnedFailure.PASSED:
        return "of image " + id + " rechecked (" + r.bytesHashed() + " bytes hashed)";
      case RecheckReport.SHARED:
        return "of image " + id + " rechecked by a concurrent check it waited for";
      default:
        return "of image " + id + " record and identity checked, full recheck skipped by policy";
    }
  }

  /** A base that is gone from the cache (quarantined, or removed) is NOT_CACHED, with what to do about it. */
  private Optional<ImageTrustException> missingBase(ImageTrustException e) {
    Object file = e.details().get("file");
    if (!Boolean.TRUE.equals(e.details().get("missing")) || file == null
        || !Path.of(file.toString()).startsWith(cache.directory())) {
      return Optional.empty();
    }
    return Optional.of(ImageTrustException.of(Reason.NOT_CACHED, "the base " + file + " is not in the cache (was it "
        + "quarantined? see `imgtrust cache quarantine`); refill it with `imgtrust cache add`", e.details()));
  }

  private static void requireAgreement(DomainDisks.Disk disk, BackingChain chain) throws ImageTrustException {
    ImmutableList<BackingChain.Link> links = chain.backingFiles();
    ImmutableList<DomainDisks.Level> levels = disk.backingStores;
    for (int i = 0; i < levels.size(); i++) {
      DomainDisks.Level l = levels.get(i);
      if (l.source.isEmpty()) {
        if (i < links.size()) {
          throw contradiction(disk, "the XML ends the chain at level " + i + " but the image has backing file "
              + links.get(i).path());
        }
        return;
      }
      if (i >= links.size()) {
        throw contradiction(disk, "the XML names backing file " + l.source.get() + " the image does not have");
      }
      BackingChain.Link link = links.get(i);
      if (!realPath(l.source.get()).equals(link.path())) {
        throw contradiction(disk, "the XML pins " + l.source.get() + " but the image header names " + link.path());
      }
      String fmt = link.format().name().toLowerCase(Locale.ROOT);
      if (l.format.isPresent() && !l.format.get().equals(fmt)) {
        throw contradiction(disk, "the XML pins format " + l.format.get() + " for " + link.path() + " but it is "
            + fmt);
      }
    }
  }

  static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  private static ImageTrustException contradiction(DomainDisks.Disk disk, String why) {
    return ImageTrustException.of(Reason.UNSAFE_IMAGE, "disk " + disk.source + ": <backingStore> contradicts the "
        + "image: " + why, ImmutableMap.of("disk", disk.source.toString()));
  }
}
