package io.imgtrust.core.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hand-built image headers for unit tests; each builder yields the bytes of a small, valid image. */
final class TestImages {
  private TestImages() {}

  /** A qcow2 header cluster with optional extensions and backing file name. */
  static final class Qcow2 {
    int version = 3;
    int clusterBits = 16;
    long size = 1L << 30;
    long incompatible;
    int cryptMethod;
    int headerLength = 112;
    int compressionType;
    String backingFile;
    int backingOffset = 2048;
    String backingFormat;
    String dataFile;
    final List<byte[]> extraExtensions = new ArrayList<>();

    Qcow2 version(int v) {
      version = v;
      return this;
    }

    Qcow2 backing(String file, String format) {
      backingFile = file;
      backingFormat = format;
      return this;
    }

    byte[] build() {
      int clusterSize = 1 << clusterBits;
      ByteBuffer b = ByteBuffer.allocate(Math.max(clusterSize, backingOffset + 1024));
      b.putInt(0, 0x514649fb).putInt(4, version).putInt(20, clusterBits).putLong(24, size);
      b.putInt(32, cryptMethod);
      int shift = clusterBits + clusterBits - ((incompatible & 16) != 0 ? 4 : 3);
      b.putInt(36, (int) ((size + (1L << shift) - 1) >>> shift));
      b.putLong(40, 3L * clusterSize).putLong(48, clusterSize).putInt(56, 1);
      int extStart = 72;
      if (version == 3) {
        b.putLong(72, incompatible).putInt(96, 4).putInt(100, headerLength);
        if (headerLength > 104) {
          b.put(104, (byte) compressionType);
        }
        extStart = headerLength;
      }
      b.position(extStart);
      if (backingFormat != null) {
        extension(b, 0xE2792ACA, backingFormat.getBytes(StandardCharsets.UTF_8));
      }
      if (dataFile != null) {
        extension(b, 0x44415441, dataFile.getBytes(StandardCharsets.UTF_8));
      }
      for (byte[] e : extraExtensions) {
        b.put(e);
      }
      b.putInt(0).putInt(0);
      if (backingFile != null) {
        byte[] name = backingFile.getBytes(StandardCharsets.UTF_8);
        b.putLong(8, backingOffset).putInt(16, name.length);
        b.position(backingOffset);
        b.put(name);
      }
      return b.array();
    }

    static void extension(ByteBuffer b, int type, byte[] data) {
      b.putInt(type).putInt(data.length).put(data);
      b.position(b.position() + ((8 - data.length % 8) % 8));
    }
  }

  /** A Parallels image: header, BAT and one cluster's worth of nothing. */
  static byte[] parallels(String magic, long sectors) {
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    b.put(magic.getBytes(StandardCharsets.US_ASCII));
    b.putInt(16, 2).putInt(20, 16).putInt(24, 1).putInt(28, 2048);
    b.putInt(32, (int) ((sectors + 2047) / 2048)).putLong(36, sectors).putInt(48, 8);
    return b.array();
  }

  static final String MONOLITHIC_SPARSE = "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\n"
      + "createType=\"monolithicSparse\"\n\n# Extent description\nRW 2097152 SPARSE \"x.vmdk\"\n";

  /** A VMDK sparse extent with {@code descriptor} embedded at sector 1 (none when null). */
  static byte[] vmdk(long capacitySectors, String descriptor) {
    ByteBuffer b = ByteBuffer.allocate(64 << 10).order(ByteOrder.LITTLE_ENDIAN);
    vmdkHeader(b, 0, capacitySectors, descriptor == null ? 0 : 1, 21);
    if (descriptor != null) {
      b.position(512);
      b.put(descriptor.getBytes(StandardCharsets.US_ASCII));
    }
    return b.array();
  }

  static void vmdkHeader(ByteBuffer b, int at, long capacity, long descOffset, long gdOffset) {
    b.put(at, (byte) 'K').put(at + 1, (byte) 'D').put(at + 2, (byte) 'M').put(at + 3, (byte) 'V');
    b.putInt(at + 4, 1).putInt(at + 8, 3).putLong(at + 12, capacity).putLong(at + 20, 128);
    b.putLong(at + 28, descOffset).putLong(at + 36, descOffset == 0 ? 0 : 20).putInt(at + 44, 512);
    b.putLong(at + 48, 0).putLong(at + 56, gdOffset).putLong(at + 64, 128);
  }

  /** A VHD footer: type 2 fixed, 3 dynamic, 4 differencing. */
  static byte[] vhdFooter(int type, String creator, int cyls, int heads, int spt, long currentSize, long dataOffset) {
    ByteBuffer f = ByteBuffer.allocate(512);
    f.put("conectix".getBytes(StandardCharsets.US_ASCII));
    f.putInt(8, 2).putInt(12, 0x00010000).putLong(16, dataOffset);
    f.position(28);
    f.put(creator.getBytes(StandardCharsets.ISO_8859_1));
    f.putLong(40, currentSize).putLong(48, currentSize);
    f.putShort(56, (short) cyls).put(58, (byte) heads).put(59, (byte) spt).putInt(60, type);
    int sum = 0;
    for (byte x : f.array()) {
      sum += x & 0xff;
    }
    f.putInt(64, ~sum);
    return f.array();
  }

  /** A dynamic (or differencing, with {@code parent}) VHD: footer copy, dynamic header, footer. */
  static byte[] vhdDynamic(long size, String parent) {
    int type = parent == null ? 3 : 4;
    byte[] footer = vhdFooter(type, "qem2", 0, 0, 0, size, 512);
    ByteBuffer b = ByteBuffer.allocate(512 + 1024 + 512);
    b.put(footer);
    b.put("cxsparse".getBytes(StandardCharsets.US_ASCII));
    b.putLong(512 + 8, -1L).putLong(512 + 16, 1536).putInt(512 + 24, 0x00010000);
    b.putInt(512 + 28, (int) (size >> 21)).putInt(512 + 32, 2 << 20);
    if (parent != null) {
      b.position(512 + 64);
      b.put(parent.getBytes(StandardCharsets.UTF_16BE));
    }
    b.position(1536);
    b.put(footer);
    return b.array();
  }

  /** A VDI header (version 1.1, 1 MiB blocks) of {@code type} and {@code diskSize}. */
  static byte[] vdi(int type, long diskSize) {
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    b.put("<<< Oracle VM VirtualBox Disk Image >>>\n".getBytes(StandardCharsets.US_ASCII));
    b.putInt(0x40, 0xbeda107f).putInt(0x44, 0x00010001).putInt(0x48, 0x190).putInt(0x4c, type);
    b.putInt(0x154, 0x200).putInt(0x158, 0x1000).putInt(0x168, 512).putLong(0x170, diskSize);
    b.putInt(0x178, 1 << 20).putInt(0x180, (int) ((diskSize + (1 << 20) - 1) >> 20));
    return b.array();
  }

  /** A VHDX with the given virtual size and, when {@code parent} is non-null, a parent locator naming it. */
  static byte[] vhdx(long virtualSize, String parent) {
    int meta = 1 << 20;
    ByteBuffer b = ByteBuffer.allocate(meta + (128 << 10)).order(ByteOrder.LITTLE_ENDIAN);
    b.put("vhdxfile".getBytes(StandardCharsets.US_ASCII));
    int rt = 192 << 10;
    b.putInt(rt, 0x69676572).putInt(rt + 8, 1);
    b.position(rt + 16);
    b.put(Guid.bytes("8B7CA206-4790-4B9A-B8FE-575F050F886E")).putLong(meta).putInt(64 << 10).putInt(1);
    b.position(meta);
    b.put("metadata".getBytes(StandardCharsets.US_ASCII));
    b.putShort(meta + 10, (short) (parent == null ? 2 : 3));
    b.position(meta + 32);
    b.put(Guid.bytes("CAA16737-FA36-4D43-B3B6-33F0AA44E76B")).putInt(0x10000).putInt(8).putInt(4).putInt(0);
    b.put(Guid.bytes("2FA54224-CD1B-4876-B211-5DBED83BF4B8")).putInt(0x10008).putInt(8).putInt(6).putInt(0);
    b.putInt(meta + 0x10000, 1 << 25).putInt(meta + 0x10004, parent == null ? 0 : 2);
    b.putLong(meta + 0x10008, virtualSize);
    if (parent != null) {
      b.position(meta + 96);
      b.put(Guid.bytes("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C")).putInt(0x10100).putInt(512).putInt(6).putInt(0);
      int loc = meta + 0x10100;
      byte[] key = "relative_path".getBytes(StandardCharsets.UTF_16LE);
      byte[] value = parent.getBytes(StandardCharsets.UTF_16LE);
      b.putShort(loc + 18, (short) 1).putInt(loc + 20, 32).putInt(loc + 24, 32 + key.length);
      b.putShort(loc + 28, (short) key.length).putShort(loc + 30, (short) value.length);
      b.position(loc + 32);
      b.put(key).put(value);
    }
    return b.array();
  }
}
