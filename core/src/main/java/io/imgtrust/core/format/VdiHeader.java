package io.imgtrust.core.format;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A VirtualBox VDI header (little-endian; signature 0xbeda107f at 0x40), checked as qemu's {@code vdi} driver
 * checks it. Only version 1.1 dynamic and static images are accepted: undo and differencing images need other
 * files and qemu does not open them. The virtual size is {@code disk_size} rounded down to 512 bytes, as qemu has it.
 */
final class VdiHeader {
  static final int SIGNATURE = 0xbeda107f;
  static final int SIGNATURE_OFFSET = 0x40;
  static final int LENGTH = 512;
  static final int VERSION_1_1 = 0x00010001;
  static final int DYNAMIC = 1;
  static final int STATIC = 2;
  static final int BLOCK_SIZE = 1 << 20;
  static final long MAX_DISK_SIZE = 0x3fffffffL * BLOCK_SIZE;

  private VdiHeader() {}

  /** True when {@code first} holds the VDI signature at 0x40. */
  static boolean matches(ByteBuffer first) {
    return first.limit() >= SIGNATURE_OFFSET + 4
        && first.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(SIGNATURE_OFFSET) == SIGNATURE;
  }

  static InspectedImage read(ImageFile file) throws ImageTrustException {
    ByteBuffer h = file.readExactly(0, LENGTH, ImageFormat.VDI, "header").order(ByteOrder.LITTLE_ENDIAN);
    if (h.getInt(0x44) != VERSION_1_1) {
      throw malformed("unsupported version 0x" + Integer.toHexString(h.getInt(0x44)));
    }
    int type = h.getInt(0x4c);
    if (type != DYNAMIC && type != STATIC) {
      throw malformed("image type " + Integer.toUnsignedString(type) + " is not dynamic or static");
    }
    if (h.getInt(0x154) % 512 != 0 || h.getInt(0x158) % 512 != 0) {
      throw malformed("block map or data offset is not sector-aligned");
    }
    if (h.getInt(0x168) != 512 || h.getInt(0x178) != BLOCK_SIZE) {
      throw malformed("sector size must be 512 and block size 1 MiB");
    }
    long diskSize = h.getLong(0x170);
    if (diskSize < 0 || diskSize > MAX_DISK_SIZE) {
      throw malformed("disk size " + Long.toUnsignedString(diskSize) + " is too large");
    }
    long blocks = Integer.toUnsignedLong(h.getInt(0x180));
    if (blocks * BLOCK_SIZE < diskSize) {
      throw malformed("block map of " + blocks + " blocks is too small for disk size " + diskSize);
    }
    if (h.getLong(0x1a8) != 0 || h.getLong(0x1b0) != 0 || h.getLong(0x1b8) != 0 || h.getLong(0x1c0) != 0) {
      throw Refusals.unsafe(ImageFormat.VDI, "links to a parent image", ImmutableMap.of());
    }
    return InspectedImage.builder(ImageFormat.VDI, diskSize & ~511L).build();
  }

  private static ImageTrustException malformed(String problem) {
    return Refusals.malformed(ImageFormat.VDI, problem);
  }
}
