package io.imgtrust.core.format;

import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A VMDK sparse extent header ({@code KDMV}, 512 bytes, little-endian), checked as qemu's {@code vmdk} driver
 * checks it. All sizes and offsets in the header are in 512-byte sectors.
 */
final class VmdkHeader {
  static final int LENGTH = 512;
  static final long GD_AT_END = -1L;
  static final long MAX_GRAIN_SECTORS = 0x200000;
  static final long MAX_GTES_PER_GT = 512;
  static final long MAX_L1_ENTRIES = 32L << 20;

  final long version;
  final long capacity;
  final long grainSize;
  final long descriptorOffset;
  final long descriptorSize;
  final long gtesPerGt;
  final long gdOffset;
  final long overhead;

  private VmdkHeader(ByteBuffer h) {
    version = Integer.toUnsignedLong(h.getInt(4));
    capacity = h.getLong(12);
    grainSize = h.getLong(20);
    descriptorOffset = h.getLong(28);
    descriptorSize = h.getLong(36);
    gtesPerGt = Integer.toUnsignedLong(h.getInt(44));
    gdOffset = h.getLong(56);
    overhead = h.getLong(64);
  }

  /** True when {@code first} starts with {@code KDMV}. */
  static boolean matches(ByteBuffer first) {
    return first.limit() >= 4 && first.getInt(0) == 0x4b444d56;
  }

  /** Parses the 512 bytes of {@code buffer} from {@code offset}; does not check the fields (see {@link #check}). */
  static VmdkHeader parse(ByteBuffer buffer, int offset) {
    ByteBuffer h = buffer.duplicate().position(offset).slice().order(ByteOrder.LITTLE_ENDIAN);
    return new VmdkHeader(h);
  }

  /** Range checks qemu applies when it opens the extent; {@code fileSize} bounds the overhead. */
  void check(long fileSize) throws ImageTrustException {
    if (version > 3) {
      throw malformed("unsupported version " + version);
    }
    if (capacity < 0 || capacity > Long.MAX_VALUE / 512) {
      throw malformed("capacity " + Long.toUnsignedString(capacity) + " sectors is too large");
    }
    if (gtesPerGt > MAX_GTES_PER_GT) {
      throw malformed("numGTEsPerGT " + gtesPerGt + " exceeds " + MAX_GTES_PER_GT);
    }
    if (grainSize <= 0 || grainSize > MAX_GRAIN_SECTORS) {
      throw malformed("grain size " + Long.toUnsignedString(grainSize) + " sectors outside 1.." + MAX_GRAIN_SECTORS);
    }
    long l1EntrySectors = gtesPerGt * grainSize;
    if (l1EntrySectors == 0) {
      throw malformed("numGTEsPerGT is 0");
    }
    long l1Size = capacity / l1EntrySectors + (capacity % l1EntrySectors != 0 ? 1 : 0);
    if (l1Size > MAX_L1_ENTRIES) {
      throw malformed("grain directory of " + l1Size + " entries is too large");
    }
    long fileSectors = fileSize / 512 + (fileSize % 512 != 0 ? 1 : 0);
    if (overhead < 0 || overhead > fileSectors) {
      throw malformed("file truncated: overhead is " + Long.toUnsignedString(overhead) + " sectors, file has "
          + fileSectors);
    }
    if (descriptorOffset < 0 || descriptorOffset > fileSectors || descriptorSize < 0
        || descriptorSize > fileSectors) {
      throw malformed("embedded descriptor (offset " + Long.toUnsignedString(descriptorOffset) + ", size "
          + Long.toUnsignedString(descriptorSize) + " sectors) lies outside the file");
    }
  }

  private static ImageTrustException malformed(String problem) {
    return Refusals.malformed(ImageFormat.VMDK, problem);
  }
}
