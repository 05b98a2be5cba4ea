package io.imgtrust.core.format;

import java.util.ArrayList;
import java.util.List;

/** The qcow2 v3 incompatible feature bits and what imgtrust makes of them. */
final class Qcow2Features {
  static final int DIRTY = 0;
  static final int CORRUPT = 1;
  static final int EXTERNAL_DATA_FILE = 2;
  static final int COMPRESSION_TYPE = 3;
  static final int EXTENDED_L2 = 4;
  /** Bits that are known and harmless: the compression type and extended L2 entries. */
  static final long ACCEPTED = bit(COMPRESSION_TYPE) | bit(EXTENDED_L2);

  private Qcow2Features() {}

  static long bit(int index) {
    return 1L << index;
  }

  static boolean has(long features, int index) {
    return (features & bit(index)) != 0;
  }

  /** Readable names of the bits of {@code features} that are not {@link #ACCEPTED}, e.g. {@code [dirty, bit 5]}. */
  static List<String> refused(long features) {
    List<String> names = new ArrayList<>();
    long rest = features & ~ACCEPTED;
    for (int i = 0; i < 64; i++) {
      if (has(rest, i)) {
        names.add(name(i));
      }
    }
    return names;
  }

  private static String name(int index) {
    switch (index) {
      case DIRTY:
        return "dirty";
      case CORRUPT:
        return "corrupt";
      case EXTERNAL_DATA_FILE:
        return "external data file";
      default:
        return "unknown bit " + index;
    }
  }
}
