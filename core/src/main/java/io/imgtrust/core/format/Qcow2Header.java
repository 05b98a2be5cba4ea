package io.imgtrust.core.format;

import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A qcow2 header (version 2 or 3, big-endian) with its backing file name and header extensions, range-checked.
 *
 * <p>{@link #read(ImageFile)} reads at most one cluster (2 MiB) plus the backing file name (1023 bytes). Every field
 * used to compute an offset or a size is checked the way qemu checks it on open; a check that fails is
 * {@code UNSAFE_IMAGE} naming the field. Safety policy (backing files, features) is not judged here.
 */
final class Qcow2Header {
  static final int MAGIC = 0x514649fb;
  static final int V2_LENGTH = 72;
  static final int V3_MIN_LENGTH = 104;
  static final int MIN_CLUSTER_BITS = 9;
  static final int MAX_CLUSTER_BITS = 21;
  static final int MAX_BACKING_NAME = 1023;
  static final int MAX_SNAPSHOTS = 65536;
  static final long MAX_L1_ENTRIES = (32L << 20) / 8;

  final int version;
  final long backingFileOffset;
  final int backingFileSize;
  final int clusterBits;
  final long size;
  final int cryptMethod;
  final long l1Size;
  final long l1TableOffset;
  final long refcountTableOffset;
  final long nbSnapshots;
  final long snapshotsOffset;
  final long incompatibleFeatures;
  final long compatibleFeatures;
  final long autoclearFeatures;
  final int refcountOrder;
  final int headerLength;
  final int compressionType;
  final Optional<String> backingFile;
  final Qcow2Extensions extensions;

  private Qcow2Header(ByteBuffer h, Optional<String> backingFile, Qcow2Extensions extensions) {
    version = h.getInt(4);
    backingFileOffset = h.getLong(8);
    backingFileSize = h.getInt(16);
    clusterBits = h.getInt(20);
    size = h.getLong(24);
    cryptMethod = h.getInt(32);
    l1Size = Integer.toUnsignedLong(h.getInt(36));
    l1TableOffset = h.getLong(40);
    refcountTableOffset = h.getLong(48);
    nbSnapshots = Integer.toUnsignedLong(h.getInt(60));
    snapshotsOffset = h.getLong(64);
    boolean v3 = version >= 3;
    incompatibleFeatures = v3 ? h.getLong(72) : 0;
    compatibleFeatures = v3 ? h.getLong(80) : 0;
    autoclearFeatures = v3 ? h.getLong(88) : 0;
    refcountOrder = v3 ? h.getInt(96) : 4;
    headerLength = v3 ? h.getInt(100) : V2_LENGTH;
    compressionType = v3 && headerLength > V3_MIN_LENGTH ? h.get(V3_MIN_LENGTH) & 0xff : 0;
    this.backingFile = backingFile;
    this.extensions = extensions;
  }

  /** Reads and checks the header of a file that starts with the qcow2 magic. */
  static Qcow2Header read(ImageFile file) throws ImageTrustException {
    ByteBuffer fixed = file.readExactly(0, V2_LENGTH, ImageFormat.QCOW2, "header");
    int version = fixed.getInt(4);
    if (version != 2 && version != 3) {
      throw malformed("unsupported version " + Integer.toUnsignedString(version));
    }
    int clusterBits = fixed.getInt(20);
    if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
      throw malformed("cluster_bits " + Integer.toUnsignedString(clusterBits) + " outside 9..21");
    }
    int clusterSize = 1 << clusterBits;
    ByteBuffer cluster = file.readAt(0, clusterSize);
    int headerLength = V2_LENGTH;
    if (version == 3) {
      headerLength = v3HeaderLength(file, clusterSize);
      file.readExactly(0, headerLength, ImageFormat.QCOW2, "header (header_length " + headerLength + ")");
    }
    long backingOffset = fixed.getLong(8);
    Optional<String> backingFile = readBackingName(file, backingOffset, fixed.getInt(16));
    int extEnd = backingOffset > 0 && backingOffset < clusterSize ? (int) backingOffset : clusterSize;
    Qcow2Extensions extensions = Qcow2Extensions.parse(cluster, headerLength, extEnd);
    Qcow2Header header = new Qcow2Header(cluster, backingFile, extensions);
    header.checkFields();
    return header;
  }

  private static int v3HeaderLength(ImageFile file, int clusterSize) throws ImageTrustException {
    ByteBuffer v3 = file.readExactly(0, V3_MIN_LENGTH, ImageFormat.QCOW2, "version 3 header");
    long length = Integer.toUnsignedLong(v3.getInt(100));
    if (length < V3_MIN_LENGTH || length % 8 != 0 || length > clusterSize) {
      throw malformed("header_length " + length + " is not a multiple of 8 between 104 and the cluster size");
    }
    return (int) length;
  }

  private static Optional<String> readBackingName(ImageFile file, long offset, int size)
      throws ImageTrustException {
    if (offset == 0) {
      return Optional.empty();
    }
    long length = Integer.toUnsignedLong(size);
    if (length > MAX_BACKING_NAME) {
      throw malformed("backing_file_size " + length + " exceeds " + MAX_BACKING_NAME);
    }
    if (offset < 0 || offset > file.size() - length) {
      throw malformed("backing_file_offset " + Long.toUnsignedString(offset) + " + backing_file_size " + length
          + " is past end of file (" + file.size() + ")");
    }
    ByteBuffer name = file.readExactly(offset, (int) length, ImageFormat.QCOW2, "backing file name");
    return Optional.of(CStrings.decode(name, 0, (int) length, StandardCharsets.UTF_8));
  }

  private void checkFields() throws ImageTrustException {
    long clusterSize = 1L << clusterBits;
    if (size < 0) {
      throw malformed("size " + Long.toUnsignedString(size) + " exceeds 2^63-1");
    }
    if (cryptMethod < 0 || cryptMethod > 2) {
      throw malformed("crypt_method " + Integer.toUnsignedString(cryptMethod) + " is unknown");
    }
    if (refcountOrder < 0 || refcountOrder > 6) {
      throw malformed("refcount_order " + Integer.toUnsignedString(refcountOrder) + " outside 0..6");
    }
    checkAligned("l1_table_offset", l1TableOffset, clusterSize);
    checkAligned("refcount_table_offset", refcountTableOffset, clusterSize);
    if (nbSnapshots > MAX_SNAPSHOTS) {
      throw malformed("nb_snapshots " + nbSnapshots + " exceeds " + MAX_SNAPSHOTS);
    }
    if (nbSnapshots > 0) {
      checkAligned("snapshots_offset", snapshotsOffset, clusterSize);
    }
    checkL1Size();
    checkCompression();
    if (Qcow2Features.has(incompatibleFeatures, Qcow2Features.EXTENDED_L2) && clusterBits < 14) {
      throw malformed("extended L2 entries need clusters of at least 16 KiB");
    }
  }

  private void checkL1Size() throws ImageTrustException {
    if (l1Size > MAX_L1_ENTRIES) {
      throw malformed("l1_size " + l1Size + " exceeds " + MAX_L1_ENTRIES);
    }
    int l2Bits = clusterBits - (Qcow2Features.has(incompatibleFeatures, Qcow2Features.EXTENDED_L2) ? 4 : 3);
    int shift = clusterBits + l2Bits;
    long needed = (size >>> shift) + ((size & ((1L << shift) - 1)) != 0 ? 1 : 0);
    if (l1Size < needed) {
      throw malformed("l1_size " + l1Size + " is too small for size " + size + " (needs " + needed + ")");
    }
  }

  private void checkCompression() throws ImageTrustException {
    boolean bit = Qcow2Features.has(incompatibleFeatures, Qcow2Features.COMPRESSION_TYPE);
    if (compressionType > 1) {
      throw malformed("compression_type " + compressionType + " is unknown");
    }
    if (bit != (compressionType != 0)) {
      throw malformed("compression_type " + compressionType + " disagrees with incompatible feature bit 3");
    }
  }

  private static void checkAligned(String field, long offset, long clusterSize) throws ImageTrustException {
    if (offset < 0 || (offset & (clusterSize - 1)) != 0) {
      throw malformed(field + " " + Long.toUnsignedString(offset) + " is not cluster-aligned");
    }
  }

  private static ImageTrustException malformed(String problem) {
    return Refusals.malformed(ImageFormat.QCOW2, problem);
  }

  /** The facts an {@link InspectedImage} carries. */
  InspectedImage toInspected() {
    return InspectedImage.builder(ImageFormat.QCOW2, size)
        .qcow2(version, incompatibleFeatures)
        .backingFile(backingFile.orElse(null))
        .backingFormat(extensions.backingFormat().orElse(null))
        .dataFile(extensions.dataFile().orElse(null))
        .encrypted(cryptMethod != 0)
        .build();
  }
}
