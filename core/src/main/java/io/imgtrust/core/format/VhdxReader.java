package io.imgtrust.core.format;

import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the virtual size and parent of a VHDX (little-endian) from its region table and metadata region.
 *
 * <p>Reads the primary region table (64 KiB at 192 KiB), the metadata table (64 KiB) and the few metadata items it
 * needs. Checksums (CRC-32C) and the log are not checked; a region or metadata item marked required that is not
 * known is refused as qemu refuses it. A differencing disk (HasParent, or a parent locator) has a backing file.
 */
final class VhdxReader {
  static final long REGION_TABLE = 192 << 10;
  static final int TABLE_SIZE = 64 << 10;
  static final int MAX_ENTRIES = 2047;
  static final long MAX_VIRTUAL_SIZE = 64L << 40;
  static final byte[] BAT = Guid.bytes("2DC27766-F623-4200-9D64-115E9BFD4A08");
  static final byte[] METADATA = Guid.bytes("8B7CA206-4790-4B9A-B8FE-575F050F886E");
  static final byte[] FILE_PARAMETERS = Guid.bytes("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
  static final byte[] VIRTUAL_DISK_SIZE = Guid.bytes("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
  static final byte[] PAGE_83 = Guid.bytes("BECA12AB-B2E6-4523-93EF-C309E000C746");
  static final byte[] LOGICAL_SECTOR = Guid.bytes("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
  static final byte[] PHYSICAL_SECTOR = Guid.bytes("CDA348C7-445D-4471-9CC9-E9885251C556");
  static final byte[] PARENT_LOCATOR = Guid.bytes("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

  private VhdxReader() {}

  static InspectedImage read(ImageFile file) throws ImageTrustException {
    long metadataOffset = metadataRegion(file);
    ByteBuffer table = read(file, metadataOffset, TABLE_SIZE, "metadata table");
    if (!"metadata".equals(CStrings.decode(table, 0, 8, StandardCharsets.ISO_8859_1))) {
      throw malformed("metadata table signature missing");
    }
    int count = Short.toUnsignedInt(table.getShort(10));
    if (count > MAX_ENTRIES) {
      throw malformed("metadata table has " + count + " entries");
    }
    Long size = null;
    boolean hasParent = false;
    String parent = null;
    for (int i = 0; i < count; i++) {
      int e = 32 + 32 * i;
      long itemOffset = metadataOffset + Integer.toUnsignedLong(table.getInt(e + 16));
      int itemLength = table.getInt(e + 20);
      if (Guid.at(table, e, VIRTUAL_DISK_SIZE)) {
        size = read(file, itemOffset, 8, "virtual disk size").getLong(0);
      } else if (Guid.at(table, e, FILE_PARAMETERS)) {
        hasParent = (read(file, itemOffset, 8, "file parameters").getInt(4) & 2) != 0;
      } else if (Guid.at(table, e, PARENT_LOCATOR)) {
        parent = VhdxParentLocator.name(file, itemOffset, itemLength);
      } else if (!known(table, e) && (table.getInt(e + 24) & 4) != 0) {
        throw malformed("unknown required metadata item");
      }
    }
    return result(size, hasParent, parent);
  }

  private static InspectedImage result(Long size, boolean hasParent, String parent) throws ImageTrustException {
    if (size == null) {
      throw malformed("no virtual disk size");
    }
    if (size < 0 || size > MAX_VIRTUAL_SIZE) {
      throw malformed("virtual disk size " + Long.toUnsignedString(size) + " exceeds 64 TiB");
    }
    InspectedImage.Builder b = InspectedImage.builder(ImageFormat.VHDX, size & ~511L);
    if (hasParent || parent != null) {
      b.backingFile(parent == null ? "" : parent);
    }
    return b.build();
  }

  private static boolean known(ByteBuffer table, int e) {
    return Guid.at(table, e, PAGE_83) || Guid.at(table, e, LOGICAL_SECTOR) || Guid.at(table, e, PHYSICAL_SECTOR);
  }

  /** The file offset of the metadata region named in the primary region table. */
  private static long metadataRegion(ImageFile file) throws ImageTrustException {
    ByteBuffer regions = read(file, REGION_TABLE, TABLE_SIZE, "region table");
    if (regions.getInt(0) != 0x69676572) {
      throw malformed("region table signature missing");
    }
    long count = Integer.toUnsignedLong(regions.getInt(8));
    if (count > MAX_ENTRIES) {
      throw malformed("region table has " + count + " entries");
    }
    long metadata = -1;
    for (int i = 0; i < count; i++) {
      int e = 16 + 32 * i;
      if (Guid.at(regions, e, METADATA)) {
        metadata = regions.getLong(e + 16);
      } else if (!Guid.at(regions, e, BAT) && (regions.getInt(e + 28) & 1) != 0) {
        throw malformed("unknown required region");
      }
    }
    if (metadata < (1 << 20) || metadata > file.size()) {
      throw malformed("metadata region offset " + Long.toUnsignedString(metadata) + " is invalid");
    }
    return metadata;
  }

  static ByteBuffer read(ImageFile file, long offset, int length, String what) throws ImageTrustException {
    return file.readExactly(offset, length, ImageFormat.VHDX, what).order(ByteOrder.LITTLE_ENDIAN);
  }

  static ImageTrustException malformed(String problem) {
    return Refusals.malformed(ImageFormat.VHDX, problem);
  }
}
