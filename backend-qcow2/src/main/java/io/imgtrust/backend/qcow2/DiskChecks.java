package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.format.FormatInspector;
import io.imgtrust.core.format.ImageFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The before-boot check of every disk of a domain; it fails closed. A file disk ({@code type='file'} or none, and a
 * {@code volume} disk resolved to its file) is followed exactly or refused:
 * <ul>
 *   <li>{@code raw}: QEMU reads the file's bytes and opens no other file, whatever header they hold;
 *   <li>{@code qcow2}: the backing chain, per {@link ChainCheck};
 *   <li>{@code ploop}/{@code parallels}: the file must have a Parallels header (QEMU's driver opens no other file);
 *   <li>no driver type: read as raw only when its bytes are raw (or ISO 9660);
 *   <li>any other type ({@code qed}, {@code qcow}, {@code vmdk}, {@code vpc}, {@code vdi}, {@code luks}, ...):
 *       {@code UNSAFE_IMAGE} naming the disk.
 * </ul>
 * A file disk whose own source is a cache file must be read-only with relabelling off ({@code UNSAFE_DOMAIN}) and is
 * rechecked. {@code block}, {@code network}, {@code nvme}, {@code vhostuser} and {@code vhostvdpa} disks pass (they
 * cannot be cache files); a {@code dir} disk (QEMU's vvfat) on, in or above the cache directory, holding a symlink
 * into it, or too large to walk ({@link CachePaths}) is {@code UNSAFE_DOMAIN}; a {@code volume} that cannot be
 * resolved and any other disk type are {@code UNSAFE_DOMAIN}. {@link #checkPaths} refuses ({@code UNSAFE_DOMAIN})
 * any other path in the domain that reaches the cache.
 */
final class DiskChecks {
  private static final ImmutableSet<String> NOT_FILES = ImmutableSet.of("block", "network", "nvme", "vhostuser",
      "vhostvdpa");
  private static final ImmutableSet<String> FOLLOWED = ImmutableSet.of("raw", "qcow2", "ploop", "parallels");

  private final ChainCheck chains;
  private final PoolVolumes pools;
  private final CachePaths paths;

  DiskChecks(ChainCheck chains, PoolVolumes pools, Path cacheDir) {
    this.chains = chains;
    this.pools = pools;
    this.paths = new CachePaths(cacheDir);
  }

  /** Checks every path of {@code domain} outside the disk sources {@link #check} follows; says how many. */
  String checkPaths(DomainDisks domain) throws ImageTrustException {
    return paths.check(domain.otherPaths) + " paths outside the disk sources checked, none reaches the image cache";
  }

  /** Checks every disk of {@code domain}; returns one line per disk saying what was checked or why it passed. */
  ImmutableList<String> check(DomainDisks domain) throws ImageTrustException {
    ImmutableList.Builder<String> notes = ImmutableList.builder();
    for (DomainDisks.Disk disk : domain.disks) {
      notes.add(disk.name() + ": " + one(domain, disk));
    }
    return notes.build();
  }

  private String one(DomainDisks domain, DomainDisks.Disk disk) throws ImageTrustException {
    switch (disk.type) {
      case "file":
        return disk.source.toString().isEmpty() ? "passed, no medium" : file(domain, disk);
      case "volume":
        return volume(domain, disk);
      case "dir":
        return paths.checkDir(disk);
      default:
        if (NOT_FILES.contains(disk.type)) {
          return "passed, a " + disk.type + " disk cannot be a cache file";
        }
        throw ImageTrustException.of(Reason.UNSAFE_DOMAIN, "disk " + disk.name() + ": type '" + disk.type
            + "' is not one the before-boot check can follow", ImmutableMap.of("disk", disk.name()));
    }
  }

  private String file(DomainDisks domain, DomainDisks.Disk disk) throws ImageTrustException {
    String format = disk.driverType.isEmpty() ? probed(disk) : disk.driverType;
    if (!FOLLOWED.contains(format)) {
      throw unsafe(disk, "driver type '" + format + "' can name other files (backing files, extents) the check "
          + "cannot follow exactly; only raw and qcow2 (and ploop) disks are allowed");
    }
    if (!format.equals("raw") && !format.equals("qcow2") && inspect(disk) != ImageFormat.PARALLELS) {
      throw unsafe(disk, "driver type '" + format + "' but the file has no Parallels header");
    }
    List<String> notes = new ArrayList<>();
    chains.checkDirect(domain, disk).ifPresent(notes::add);
    if (format.equals("qcow2")) {
      notes.addAll(chains.check(domain, disk));
    }
    if (notes.isEmpty()) {
      notes.add(format.equals("qcow2") ? "qcow2 without a backing file" : format + ", opens no other file");
    }
    return (disk.driverType.isEmpty() ? "no driver type, raw bytes; " : format + "; ") + String.join(", ", notes);
  }

  private static String probed(DomainDisks.Disk disk) throws ImageTrustException {
    ImageFormat f = inspect(disk);
    if (f != ImageFormat.RAW && f != ImageFormat.ISO) {
      throw unsafe(disk, "no driver type and the file is " + f.qemuName() + "; libvirt would read it as raw only "
          + "by chance of its settings, so say <driver type='...'/>");
    }
    return "raw";
  }

  private static ImageFormat inspect(DomainDisks.Disk disk) throws ImageTrustException {
    return FormatInspector.inspect(disk.source).format();
  }

  private String volume(DomainDisks domain, DomainDisks.Disk disk) throws ImageTrustException {
    PoolVolumes.Volume v = pools.resolve(disk);
    if (v.files.isEmpty()) {
      return "passed, a volume of a " + v.poolType + " pool is a block device or network image, not a file";
    }
    List<String> notes = new ArrayList<>();
    for (Path f : v.files) {
      notes.add("volume of " + v.poolType + " pool is " + f + ": " + file(domain, disk.asFile(f)));
    }
    return String.join("; ", notes);
  }

  private static ImageTrustException unsafe(DomainDisks.Disk disk, String why) {
    return ImageTrustException.of(Reason.UNSAFE_IMAGE, "disk " + disk.name() + ": " + why,
        ImmutableMap.of("disk", disk.name()));
  }
}
