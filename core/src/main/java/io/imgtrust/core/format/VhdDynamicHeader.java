package io.imgtrust.core.format;

import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The 1024-byte dynamic disk header of a dynamic or differencing VHD ({@code cxsparse}, big-endian): checked for
 * its cookie and block size, and read for the parent's Unicode name (UTF-16BE, 512 bytes at offset 64).
 */
final class VhdDynamicHeader {
  static final int LENGTH = 1024;
  static final long MAX_TABLE_ENTRIES = Integer.MAX_VALUE / 4;

  private VhdDynamicHeader() {}

  /** Checks the header at {@code offset}; returns the parent name when {@code differencing}, else null. */
  static String read(ImageFile file, long offset, boolean differencing) throws ImageTrustException {
    if (offset < 0 || offset > file.size() - LENGTH) {
      throw VhdFooter.malformed("data offset " + Long.toUnsignedString(offset) + " lies outside the file");
    }
    ByteBuffer h = file.readExactly(offset, LENGTH, ImageFormat.VHD, "dynamic disk header");
    if (!"cxsparse".equals(CStrings.decode(h, 0, 8, StandardCharsets.ISO_8859_1))) {
      throw VhdFooter.malformed("dynamic disk header cookie missing");
    }
    long entries = Integer.toUnsignedLong(h.getInt(28));
    if (entries > MAX_TABLE_ENTRIES) {
      throw VhdFooter.malformed("max table entries " + entries + " is too large");
    }
    int blockSize = h.getInt(32);
    if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
      throw VhdFooter.malformed("block size " + Integer.toUnsignedString(blockSize) + " is invalid");
    }
    return differencing ? CStrings.decode(h, 64, 512, StandardCharsets.UTF_16BE) : null;
  }
}
