package io.imgtrust.core.format;

import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 64-byte Parallels (ploop) header, little-endian, checked as qemu's {@code parallels} driver checks it.
 *
 * <p>The virtual size is {@code nb_sectors * 512}; for the old {@code WithoutFreeSpace} magic qemu keeps only the
 * low 32 bits of {@code nb_sectors}, and so does this reader.
 */
final class ParallelsHeader {
  static final String MAGIC = "WithoutFreeSpace";
  static final String MAGIC2 = "WithouFreSpacExt";
  static final int LENGTH = 64;
  static final int VERSION = 2;
  static final long MAX_TRACKS = Integer.MAX_VALUE / 513;
  static final long MAX_BAT_ENTRIES = Integer.MAX_VALUE / 4;

  private ParallelsHeader() {}

  /** True when {@code first} (the file's first bytes) starts with either Parallels magic. */
  static boolean matches(ByteBuffer first) {
    if (first.limit() < 16) {
      return false;
    }
    String magic = CStrings.decode(first, 0, 16, StandardCharsets.ISO_8859_1);
    return MAGIC.equals(magic) || MAGIC2.equals(magic);
  }

  static InspectedImage read(ImageFile file) throws ImageTrustException {
    ByteBuffer h = file.readExactly(0, LENGTH, ImageFormat.PARALLELS, "header").order(ByteOrder.LITTLE_ENDIAN);
    boolean oldMagic = MAGIC.equals(CStrings.decode(h, 0, 16, StandardCharsets.ISO_8859_1));
    long version = Integer.toUnsignedLong(h.getInt(16));
    if (version != VERSION) {
      throw malformed("unsupported version " + version);
    }
    long tracks = Integer.toUnsignedLong(h.getInt(28));
    if (tracks == 0 || tracks > MAX_TRACKS) {
      throw malformed("sectors per cluster (tracks) " + tracks + " outside 1.." + MAX_TRACKS);
    }
    long batEntries = Integer.toUnsignedLong(h.getInt(32));
    if (batEntries > MAX_BAT_ENTRIES) {
      throw malformed("bat_entries " + batEntries + " exceeds " + MAX_BAT_ENTRIES);
    }
    long sectors = h.getLong(36);
    if (oldMagic) {
      sectors &= 0xffffffffL;
    }
    if (sectors < 0 || sectors > Long.MAX_VALUE / 512) {
      throw malformed("nb_sectors " + Long.toUnsignedString(sectors) + " is too large");
    }
    return InspectedImage.builder(ImageFormat.PARALLELS, sectors * 512).build();
  }

  private static ImageTrustException malformed(String problem) {
    return Refusals.malformed(ImageFormat.PARALLELS, problem);
  }
}
