package io.imgtrust.core.format;

import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A VHD (qemu {@code vpc}) footer, big-endian, 512 bytes: at offset 0 (the copy a dynamic disk starts with) or at
 * end of file (the only copy a fixed disk has), read and checked as qemu reads it.
 *
 * <p>The virtual size follows qemu: the CHS geometry, except for creators known to use the footer's current size
 * ({@code win }, {@code qem2}, {@code d2v }, {@code CTXS}, {@code tap}) or the maximum geometry, where the current
 * size is used. A differencing disk (type 4) has a backing file: its parent's Unicode name.
 */
final class VhdFooter {
  static final String COOKIE = "conectix";
  static final int LENGTH = 512;
  static final int FIXED = 2;
  static final int DYNAMIC = 3;
  static final int DIFFERENCING = 4;
  static final long MAX_GEOMETRY = 65535L * 16 * 255;
  static final ImmutableSet<String> SIZE_CREATORS = ImmutableSet.of("win ", "qem2", "d2v ", "CTXS", "tap");

  private VhdFooter() {}

  /** True when {@code buffer} holds the footer cookie at {@code offset}. */
  static boolean matches(ByteBuffer buffer, int offset) {
    return buffer.limit() - offset >= 8
        && COOKIE.equals(CStrings.decode(buffer, offset, 8, StandardCharsets.ISO_8859_1));
  }

  static InspectedImage read(ImageFile file) throws ImageTrustException {
    ByteBuffer footer = file.readAt(0, LENGTH);
    boolean atStart = footer.limit() == LENGTH && matches(footer, 0);
    if (!atStart) {
      footer = file.readExactly(file.size() - LENGTH, LENGTH, ImageFormat.VHD, "footer");
    }
    int type = footer.getInt(60);
    if (!atStart && type != FIXED) {
      throw malformed("a footer only at end of file must be a fixed disk, not type " + type);
    }
    if (type != FIXED && type != DYNAMIC && type != DIFFERENCING) {
      throw malformed("disk type " + Integer.toUnsignedString(type) + " is unknown");
    }
    checkChecksum(footer);
    InspectedImage.Builder b = InspectedImage.builder(ImageFormat.VHD, virtualSize(footer));
    if (type != FIXED) {
      String parent = VhdDynamicHeader.read(file, footer.getLong(16), type == DIFFERENCING);
      b.backingFile(type == DIFFERENCING ? parent : null);
    }
    return b.build();
  }

  private static long virtualSize(ByteBuffer footer) throws ImageTrustException {
    long sectors = (long) Short.toUnsignedInt(footer.getShort(56)) * Byte.toUnsignedInt(footer.get(58))
        * Byte.toUnsignedInt(footer.get(59));
    String creator = CStrings.decode(footer, 28, 4, StandardCharsets.ISO_8859_1);
    boolean useSize = SIZE_CREATORS.contains(creator);
    if (useSize || sectors == MAX_GEOMETRY) {
      long current = footer.getLong(48);
      if (current < 0) {
        throw malformed("current size " + Long.toUnsignedString(current) + " is too large");
      }
      return current & ~511L;
    }
    return sectors * 512;
  }

  private static void checkChecksum(ByteBuffer footer) throws ImageTrustException {
    int stored = footer.getInt(64);
    int sum = 0;
    for (int i = 0; i < LENGTH; i++) {
      if (i < 64 || i >= 68) {
        sum += Byte.toUnsignedInt(footer.get(i));
      }
    }
    if (~sum != stored) {
      throw malformed("footer checksum mismatch");
    }
  }

  static ImageTrustException malformed(String problem) {
    return Refusals.malformed(ImageFormat.VHD, problem);
  }
}
