package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.CheckResult;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.format.FormatInspector;
import io.imgtrust.core.io.CommandRunner;
import io.imgtrust.core.ledger.LedgerRecord;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.DiskBuild;
import io.imgtrust.core.spi.DiskXml;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.Publication;
import io.imgtrust.core.spi.SpawnRequest;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The qcow2 backend: the instance disk {@code <instances_path>/<instance>/<disk>} is a qcow2 overlay whose backing
 * file is the cache file itself, with the backing format pinned. Because the base stays live for the instance's whole
 * life, it is checked before every boot: in {@link #prepare} and in {@link #beforeBoot}, which the driver calls right
 * before starting the domain and the libvirt qemu hook calls on every start.
 *
 * <p>Guarantees: {@link #prepare} rechecks the base per {@code [verification] recheck} before making anything, and
 * makes the overlay under a temporary name through {@link DiskBuild} (per-disk lock, stale temporaries removed,
 * published without replacing, undone on failure); its {@code <disk>} tells libvirt not to relabel the base
 * ({@code <seclabel model='dac' relabel='no'/>}), so the QEMU user never owns a cache file. {@link #beforeBoot}
 * fails closed: it refuses unsafe chains (backing files outside the cache and {@code [qcow2] allowed_backing_dirs},
 * protocol or {@code json:} names, missing backing formats, data files, loops, depth), a {@code <backingStore>} that
 * contradicts the headers, any file disk whose chain it cannot follow exactly, and a domain in which libvirt would
 * relabel a cache file; it rechecks every cache file a guest would read, resolves {@code volume} disks through the
 * pool definitions on disk (the hook may not call libvirt), and lets block and network disks pass
 * (see {@code DiskChecks}). Files are only ever opened read-only.
 */
public final class Qcow2Backend implements ImageBackend {
  private static final String OVERLAY = "overlay";
  private static final Logger log = LoggerFactory.getLogger(Qcow2Backend.class);
  /** {@code [qcow2] allowed_backing_dirs}, declared by the provider. */
  static final BackendOption ALLOWED_BACKING_DIRS = BackendOption.of("qcow2", "allowed_backing_dirs", Key.Type.LIST,
      "", "extra directories backing files may live in (they are not rechecked)");
  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
  private final BackendContext ctx;
  private final ImageCache cache;
  private final CommandRunner runner;
  private final Path instances;
  private final DiskChecks disks;

  Qcow2Backend(BackendContext ctx) throws ImageTrustException {
    this(ctx, PoolVolumes.LIBVIRT_DIRS);
  }

  /** With the directories storage pool definitions are read from (tests). */
  Qcow2Backend(BackendContext ctx, ImmutableList<Path> poolDirs) throws ImageTrustException {
    this.ctx = ctx;
    this.cache = ctx.cache();
    this.runner = ctx.runner();
    this.instances = ctx.config().path(Key.INSTANCES_PATH);
    List<Path> allowed = new ArrayList<>();
    allowed.add(cache.directory());
    ctx.settings().list(ALLOWED_BACKING_DIRS).forEach(d -> allowed.add(Path.of(d)));
    this.disks = new DiskChecks(new ChainCheck(cache, ImmutableList.copyOf(allowed)), new PoolVolumes(poolDirs),
        cache.directory());
  }

  @Override
  public PreparedDisk prepare(SpawnRequest r) throws ImageTrustException {
    CacheEntry e = cache.sealedEntry(r.entry().imageId());
    String baseFormat = baseFormat(e.record());
    long size = r.targetSize(FormatInspector.inspect(e.file()).virtualSize());
    DiskBuild build = DiskBuild.of(ctx, r.instance(), r.disk(), OVERLAY, Publication.file());
    if (Files.exists(build.target(), LinkOption.NOFOLLOW_LINKS)) {
      throw ImageTrustException.of(Reason.TARGET_EXISTS, "instance disk " + build.target() + " already exists");
    }
    CheckResult check = cache.ensureVerified(e.imageId());
    Path target = build.target();
    build.run(tmp -> {
      // -F pins the base's format; -u keeps qemu-img from opening the base at all (the size is given).
      runner.runChecked(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", e.file().toString(), "-F",
          baseFormat, tmp.toString(), Long.toString(size)), CREATE_TIMEOUT);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      return tmp;
    });
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("image_id", e.imageId());
    report.put("base", e.file().toString());
    report.put("base_format", baseFormat);
    RecheckReport.put(report, check, cache.policy());
    report.put("content_digest", e.record().contentDigest().toString());
    report.put("virtual_size", size);
    return PreparedDisk.of(DiskXml.qcow2Overlay(target, e.file(), baseFormat, "vda"), target.toString(), report);
  }

  /** The format of the cache file: raw when it was converted, else the image's own (raw or qcow2 only). */
  private static String baseFormat(LedgerRecord r) throws ImageTrustException {
    String f = r.conversion().isPresent() ? "raw" : r.diskFormat();
    if (!f.equals("raw") && !f.equals("qcow2")) {
      throw ImageTrustException.of(Reason.UNSAFE_IMAGE, "image " + r.imageId() + " is cached as " + f
          + "; a qcow2 overlay needs a raw or qcow2 base (set force_raw_images = true)");
    }
    return f;
  }

  /**
   * Checks every other path the domain names (kernel, nvram, filesystems, chardevs, ...: none may reach the cache),
   * then every disk (see the class comment), and logs one line (INFO) saying what each disk was checked for, or why
   * it passed, and how many other paths were checked.
   */
  @Override
  public void beforeBoot(String domainXml) throws ImageTrustException {
    DomainDisks domain = DomainDisks.read(domainXml);
    String others = checkPaths(domain);
    log.info("before-boot check of domain {} passed: {}; {}", domain.name, String.join("; ", checkDisks(domain)),
        others);
  }

  /** What {@link #beforeBoot} logs about the paths outside the disks; refuses as it does. */
  String checkPaths(DomainDisks domain) throws ImageTrustException {
    return disks.checkPaths(domain);
  }

  /** What {@link #beforeBoot} logs, one line per disk; refuses as it does. */
  ImmutableList<String> checkDisks(DomainDisks domain) throws ImageTrustException {
    return disks.check(domain);
  }

  @Override
  public void remove(String instance, String disk) throws ImageTrustException {
    DiskBuild.of(ctx, instance, disk, OVERLAY, Publication.file()).remove();
  }

  @Override
  public String describe() {
    return "qcow2: overlays at " + instances + "/<instance>/disk on cache bases, checked before every boot";
  }
}
