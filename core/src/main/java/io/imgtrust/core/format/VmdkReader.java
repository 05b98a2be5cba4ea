package io.imgtrust.core.format;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a VMDK: a sparse extent ({@code KDMV}) with its embedded descriptor, or refuses a descriptor file.
 *
 * <p>A text descriptor file ({@code # Disk DescriptorFile}) only names other files, so it is refused as
 * {@code UNSAFE_IMAGE}. For a sparse extent the capacity comes from the header, or from the footer when the grain
 * directory is at the end (streamOptimized from VMware). The {@code createType} comes from the embedded descriptor.
 * A {@code parentFileNameHint} in the bytes qemu searches for it (10 KiB from offset 512) is a backing file.
 */
final class VmdkReader {
  static final String DESCRIPTOR_FILE = "# Disk DescriptorFile";
  /** qemu looks for {@code parentFileNameHint} in this many bytes from offset 512. */
  static final int QEMU_DESC_SIZE = 20 * 512;
  static final int QEMU_DESC_OFFSET = 512;
  /** Upper bound on the embedded descriptor this reader reads. */
  static final int MAX_DESCRIPTOR = 1 << 20;
  static final int MARKER_FOOTER = 3;

  private VmdkReader() {}

  /** True when {@code first} starts with the descriptor-file comment. */
  static boolean isDescriptorFile(ByteBuffer first) {
    int n = DESCRIPTOR_FILE.length();
    return first.limit() >= n && CStrings.decode(first, 0, n, StandardCharsets.ISO_8859_1).equals(DESCRIPTOR_FILE);
  }

  static InspectedImage read(ImageFile file) throws ImageTrustException {
    if (!VmdkHeader.matches(file.readAt(0, 4))) {
      throw Refusals.unsafe(ImageFormat.VMDK, "a VMDK descriptor file references other files",
          ImmutableMap.of("vmdk_type", "descriptor"));
    }
    ByteBuffer first = file.readExactly(0, VmdkHeader.LENGTH, ImageFormat.VMDK, "header");
    VmdkHeader header = VmdkHeader.parse(first, 0);
    header.check(file.size());
    if (header.gdOffset == VmdkHeader.GD_AT_END) {
      header = footer(file);
      header.check(file.size());
    }
    String descriptor = embeddedDescriptor(file, header);
    if (header.capacity == 0 && header.descriptorOffset != 0) {
      throw Refusals.unsafe(ImageFormat.VMDK,
          "capacity 0 makes qemu open the embedded descriptor as a descriptor file", ImmutableMap.of());
    }
    InspectedImage.Builder b = InspectedImage.builder(ImageFormat.VMDK, header.capacity * 512);
    b.vmdkCreateType(VmdkDescriptor.value(descriptor, "createType").orElse(null));
    String qemuWindow = text(file.readAt(QEMU_DESC_OFFSET, QEMU_DESC_SIZE));
    b.backingFile(VmdkDescriptor.parentHint(qemuWindow).or(() -> VmdkDescriptor.parentHint(descriptor))
        .orElse(null));
    return b.build();
  }

  private static VmdkHeader footer(ImageFile file) throws ImageTrustException {
    long start = file.size() - 3 * 512;
    if (start < 512) {
      throw malformed("grain directory at end but no room for a footer");
    }
    ByteBuffer f = file.readExactly(start, 3 * 512, ImageFormat.VMDK, "footer").order(ByteOrder.LITTLE_ENDIAN);
    boolean markerOk = f.getInt(8) == 0 && f.getInt(12) == MARKER_FOOTER;
    boolean eosOk = f.getLong(1024) == 0 && f.getInt(1032) == 0 && f.getInt(1036) == 0;
    if (!markerOk || !eosOk || !VmdkHeader.matches(f.duplicate().position(512).slice())) {
      throw malformed("invalid footer");
    }
    return VmdkHeader.parse(f, 512);
  }

  private static String embeddedDescriptor(ImageFile file, VmdkHeader header) throws ImageTrustException {
    if (header.descriptorOffset == 0 || header.descriptorSize == 0) {
      return "";
    }
    int length = (int) Math.min(header.descriptorSize * 512, MAX_DESCRIPTOR);
    return text(file.readAt(header.descriptorOffset * 512, length));
  }

  private static String text(ByteBuffer bytes) {
    return CStrings.decode(bytes, 0, bytes.limit(), StandardCharsets.ISO_8859_1);
  }

  private static ImageTrustException malformed(String problem) {
    return Refusals.malformed(ImageFormat.VMDK, problem);
  }
}
