package io.imgtrust.core.format;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;

/** Turns name fields from untrusted headers into Java strings the way C readers see them (up to the first NUL character). */
final class CStrings {
  private CStrings() {}

  /** {@code length} bytes at {@code offset} of {@code buffer}, cut at the first NUL, decoded leniently. */
  static String decode(ByteBuffer buffer, int offset, int length, Charset charset) {
    byte[] bytes = new byte[length];
    buffer.duplicate().position(offset).get(bytes, 0, length);
    String text = new String(bytes, charset);
    int nul = text.indexOf('\0');
    return nul < 0 ? text : text.substring(0, nul);
  }
}
