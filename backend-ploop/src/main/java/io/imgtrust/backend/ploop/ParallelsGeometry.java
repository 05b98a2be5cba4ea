package io.imgtrust.backend.ploop;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The numbers of a Parallels/ploop v2 image of a given virtual size, as {@code qemu-img create -f parallels} (qemu
 * 7.2) computes them: 1 MiB clusters, 16 heads, {@code cylinders = sectors / (16 * 32)}, one BAT entry per cluster, and
 * data starting at the first cluster boundary after the header and BAT. Immutable.
 */
final class ParallelsGeometry {
  static final int SECTOR = 512;
  static final int CLUSTER_SECTORS = 2048;
  static final int CLUSTER = CLUSTER_SECTORS * SECTOR;
  static final int HEADS = 16;
  /** Sectors per track qemu assumes when it derives the cylinder count. */
  static final int TRACK_SECTORS = 32;
  static final int HEADER_BYTES = 64;
  /** qemu refuses images whose BAT has more entries ("Catalog too large"). */
  static final long MAX_BAT_ENTRIES = Integer.MAX_VALUE / 4;

  private final long sectors;

  private ParallelsGeometry(long sectors) {
    this.sectors = sectors;
  }

  /** The geometry of a disk of {@code bytes} (rounded up to whole sectors). */
  static ParallelsGeometry of(long bytes) {
    checkArgument(fits(bytes), "%s bytes do not fit a Parallels image", bytes);
    return new ParallelsGeometry(ceilDiv(bytes, SECTOR));
  }

  /** Whether a disk of {@code bytes} can be a Parallels image that qemu opens. */
  static boolean fits(long bytes) {
    return bytes >= 0 && ceilDiv(bytes, CLUSTER) <= MAX_BAT_ENTRIES;
  }

  /** {@code bytes} rounded up to a whole number of sectors. */
  static long roundToSector(long bytes) {
    return ceilDiv(bytes, SECTOR) * SECTOR;
  }

  /** The virtual size in 512-byte sectors ({@code nb_sectors}; the descriptor's {@code Disk_size}). */
  long sectors() {
    return sectors;
  }

  long virtualBytes() {
    return sectors * SECTOR;
  }

  int heads() {
    return HEADS;
  }

  long cylinders() {
    return sectors / (HEADS * TRACK_SECTORS);
  }

  /** BAT entries: one per (possibly partial) cluster of the virtual disk. */
  int batEntries() {
    return (int) ceilDiv(sectors, CLUSTER_SECTORS);
  }

  /** Where data starts, in clusters: header plus BAT, rounded up to a cluster. */
  long dataOffClusters() {
    return ceilDiv(HEADER_BYTES + 4L * batEntries(), CLUSTER);
  }

  /** {@code data_off} of the header, in sectors. */
  long dataOffSectors() {
    return dataOffClusters() * CLUSTER_SECTORS;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
