package io.imgtrust.core.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/** Microsoft GUIDs as stored on disk: the first three fields little-endian, the last eight bytes as written. */
final class Guid {
  private Guid() {}

  /** The 16 on-disk bytes of the textual GUID {@code text}. */
  static byte[] bytes(String text) {
    UUID uuid = UUID.fromString(text);
    ByteBuffer be = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits());
    byte[] b = be.array();
    ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer in = ByteBuffer.wrap(b);
    out.putInt(in.getInt()).putShort(in.getShort()).putShort(in.getShort());
    out.put(b, 8, 8);
    return out.array();
  }

  /** True when the 16 bytes of {@code buffer} at {@code offset} are {@code guid}. */
  static boolean at(ByteBuffer buffer, int offset, byte[] guid) {
    for (int i = 0; i < 16; i++) {
      if (buffer.get(offset + i) != guid[i]) {
        return false;
      }
    }
    return true;
  }
}
