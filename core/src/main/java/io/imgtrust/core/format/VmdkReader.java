package io.imgtrust.core.format;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a VMDK: a sparse extent ({@code KDMV}) with its embedded descriptor, or refuses a descriptor file.
 *
 * <p>Decided on the bytes qemu's {@code vmdk_open_vmdk4} acts on, in its order: a text descriptor file
 * ({@code # Disk DescriptorFile}, or any text qemu's probe takes as one) only names other files, and a <em>first</em>
 * header with capacity 0 and a descriptor offset makes qemu open that descriptor as a descriptor file; both are
 * {@code UNSAFE_IMAGE}. Only then, when the grain directory is at the end, the footer (read where qemu reads it: 1536
 * bytes before the end of the file rounded up to a sector) replaces the header, as it does in qemu. The embedded descriptor the first header names
 * gives the {@code createType}; its extent lines may only describe this file itself (at most one {@code SPARSE}
 * extent whose name has no directory), anything else is {@code UNSAFE_IMAGE}. A {@code parentFileNameHint} in the
 * bytes qemu searches for it (10 KiB from offset 512) is a backing file.
 */
final class VmdkReader {
  static final String DESCRIPTOR_FILE = "# Disk DescriptorFile";
  /** qemu looks for {@code parentFileNameHint} in this many bytes from offset 512. */
  static final int QEMU_DESC_SIZE = 20 * 512;
  static final int QEMU_DESC_OFFSET = 512;
  /** Upper bound on the embedded descriptor this reader reads. */
  static final int MAX_DESCRIPTOR = 1 << 20;
  static final int MARKER_FOOTER = 3;
  /** Footer marker, footer header and end-of-stream marker: one sector each. */
  static final int FOOTER = 3 * 512;
  /** The one extent line a monolithic sparse file may have: itself, by a name without a directory. */
  private static final Pattern SELF_EXTENT =
      Pattern.compile("(RW|RDONLY|NOACCESS)[ \t]+[0-9]{1,19}[ \t]+SPARSE[ \t]+\"[^\"/\\\\]+\"");

  private VmdkReader() {}

  /**
   * True when {@code first} starts with the descriptor-file comment, or qemu's probe would take it as a descriptor
   * file ({@link VmdkProbe}: comment and blank lines, then {@code version=N}).
   */
  static boolean isDescriptorFile(ByteBuffer first) {
    int n = DESCRIPTOR_FILE.length();
    return first.limit() >= n && CStrings.decode(first, 0, n, StandardCharsets.ISO_8859_1).equals(DESCRIPTOR_FILE)
        || VmdkProbe.isDescriptor(first);
  }

  static InspectedImage read(ImageFile file) throws ImageTrustException {
    if (!VmdkHeader.matches(file.readAt(0, 4))) {
      throw Refusals.unsafe(ImageFormat.VMDK, "a VMDK descriptor file references other files",
          ImmutableMap.of("vmdk_type", "descriptor"));
    }
    ByteBuffer first = file.readExactly(0, VmdkHeader.LENGTH, ImageFormat.VMDK, "header");
    VmdkHeader header = VmdkHeader.parse(first, 0);
    if (header.capacity == 0 && header.descriptorOffset != 0) {
      throw Refusals.unsafe(ImageFormat.VMDK,
          "capacity 0 makes qemu open the embedded descriptor as a descriptor file", ImmutableMap.of());
    }
    header.check(file.size());
    String descriptor = embeddedDescriptor(file, header);
    requireOnlyItself(VmdkDescriptor.extentLines(descriptor));
    if (header.gdOffset == VmdkHeader.GD_AT_END) {
      header = footer(file);
      header.check(file.size());
    }
    InspectedImage.Builder b = InspectedImage.builder(ImageFormat.VMDK, header.capacity * 512);
    b.vmdkCreateType(VmdkDescriptor.value(descriptor, "createType").orElse(null));
    String qemuWindow = text(file.readAt(QEMU_DESC_OFFSET, QEMU_DESC_SIZE));
    b.backingFile(VmdkDescriptor.parentHint(qemuWindow).or(() -> VmdkDescriptor.parentHint(descriptor))
        .orElse(null));
    return b.build();
  }

  /** At most one extent, {@code SPARSE}, named without a directory: the monolithic file itself. */
  private static void requireOnlyItself(List<String> extents) throws ImageTrustException {
    if (extents.size() > 1) {
      throw Refusals.unsafe(ImageFormat.VMDK, "the descriptor has " + extents.size() + " extents",
          ImmutableMap.of("extents", String.join("\n", extents)));
    }
    for (String extent : extents) {
      if (!SELF_EXTENT.matcher(extent).matches()) {
        throw Refusals.unsafe(ImageFormat.VMDK, "extent '" + extent + "' is not this file as a sparse extent",
            ImmutableMap.of("extent", extent));
      }
    }
  }

  private static VmdkHeader footer(ImageFile file) throws ImageTrustException {
    long sectors = file.size() / 512 + (file.size() % 512 != 0 ? 1 : 0);
    long start = sectors * 512 - FOOTER;
    if (start < 512) {
      throw malformed("grain directory at end but no room for a footer");
    }
    ByteBuffer f = ByteBuffer.allocate(FOOTER).order(ByteOrder.LITTLE_ENDIAN);
    f.put(file.readAt(start, FOOTER)).clear();
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
