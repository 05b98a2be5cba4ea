package io.imgtrust.core.format;

import io.imgtrust.core.ImageTrustException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Finds an image's format from magic numbers alone, in a fixed order: qcow2, Parallels, VMDK (sparse extent or
 * descriptor file), VHDX, VHD (footer copy at 0), VDI, ISO 9660, VHD (footer at end of file); anything else is RAW.
 * A descriptor file is recognised as qemu's probe recognises it ({@link VmdkProbe}, over the same first 2048 bytes),
 * so no text that qemu would open as a descriptor passes as raw. Reads at most three small pieces of the file.
 */
final class FormatDetector {
  static final int ISO_OFFSET = 0x8001;
  static final String ISO_MAGIC = "CD001";
  static final int PROBE = VmdkProbe.QEMU_PROBE_BUFFER;

  private FormatDetector() {}

  static ImageFormat detect(ImageFile file) throws ImageTrustException {
    ByteBuffer first = file.readAt(0, PROBE);
    if (first.limit() >= 4 && first.getInt(0) == Qcow2Header.MAGIC) {
      return ImageFormat.QCOW2;
    } else if (ParallelsHeader.matches(first)) {
      return ImageFormat.PARALLELS;
    } else if (VmdkHeader.matches(first) || VmdkReader.isDescriptorFile(first)) {
      return ImageFormat.VMDK;
    } else if (startsWith(first, "vhdxfile")) {
      return ImageFormat.VHDX;
    } else if (VhdFooter.matches(first, 0)) {
      return ImageFormat.VHD;
    } else if (VdiHeader.matches(first)) {
      return ImageFormat.VDI;
    } else if (startsWith(file.readAt(ISO_OFFSET, ISO_MAGIC.length()), ISO_MAGIC)) {
      return ImageFormat.ISO;
    } else if (file.size() >= VhdFooter.LENGTH
        && VhdFooter.matches(file.readAt(file.size() - VhdFooter.LENGTH, 8), 0)) {
      return ImageFormat.VHD;
    }
    return ImageFormat.RAW;
  }

  private static boolean startsWith(ByteBuffer buffer, String magic) {
    int n = magic.length();
    return buffer.limit() >= n && magic.equals(CStrings.decode(buffer, 0, n, StandardCharsets.ISO_8859_1));
  }
}
