package io.imgtrust.core.format;

import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The parent path in a VHDX parent locator metadata item: a header (type GUID, reserved, key/value count) and
 * entries of {@code u32 keyOffset, u32 valueOffset, u16 keyLength, u16 valueLength}, strings in UTF-16LE.
 */
final class VhdxParentLocator {
  /** The spec caps a parent locator at 64 KiB. */
  static final int MAX_LENGTH = 64 << 10;
  private static final String[] PATH_KEYS = {"relative_path", "absolute_win32_path", "volume_path"};

  private VhdxParentLocator() {}

  /** The first path value found, or {@code ""} when the locator names none. */
  static String name(ImageFile file, long offset, int length) throws ImageTrustException {
    if (length < 20 || length > MAX_LENGTH) {
      throw VhdxReader.malformed("parent locator length " + Integer.toUnsignedString(length) + " is invalid");
    }
    ByteBuffer item = VhdxReader.read(file, offset, length, "parent locator");
    int count = Short.toUnsignedInt(item.getShort(18));
    if (20 + 12L * count > length) {
      throw VhdxReader.malformed("parent locator has " + count + " entries in " + length + " bytes");
    }
    for (String wanted : PATH_KEYS) {
      for (int i = 0; i < count; i++) {
        int e = 20 + 12 * i;
        String key = string(item, item.getInt(e), item.getShort(e + 8));
        if (wanted.equals(key)) {
          return string(item, item.getInt(e + 4), item.getShort(e + 10));
        }
      }
    }
    return "";
  }

  private static String string(ByteBuffer item, int offset, short length) throws ImageTrustException {
    long start = Integer.toUnsignedLong(offset);
    int len = Short.toUnsignedInt(length);
    if (start + len > item.limit()) {
      throw VhdxReader.malformed("parent locator entry lies outside the item");
    }
    return CStrings.decode(item, (int) start, len, StandardCharsets.UTF_16LE);
  }
}
