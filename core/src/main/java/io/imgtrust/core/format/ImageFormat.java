package io.imgtrust.core.format;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Optional;

/**
 * The disk image formats imgtrust can recognise, with their Glance and qemu-img names.
 *
 * <p><b>Guarantees:</b> {@link #glanceName()} and {@link #qemuName()} are stable lower-case words;
 * {@link #forDiskFormat(String)} is the inverse of {@link #glanceName()} (plus the Glance kernel/ramdisk formats
 * {@code ami}, {@code ari} and {@code aki}, which are raw bytes). Matching is exact: Glance only stores lower case.
 *
 * <p>ISO images are raw bytes to qemu ({@code qemuName()} is {@code raw}); they are a distinct value here because
 * Glance has a distinct {@code disk_format} for them.
 */
public enum ImageFormat {
  /** Plain bytes; no header is interpreted. */
  RAW("raw", "raw"),
  /** QEMU copy-on-write v2/v3. */
  QCOW2("qcow2", "qcow2"),
  /** Parallels / Virtuozzo ploop image; Glance calls it {@code ploop}. */
  PARALLELS("ploop", "parallels"),
  /** VMware sparse extent (monolithicSparse or streamOptimized). */
  VMDK("vmdk", "vmdk"),
  /** Microsoft Virtual PC / Hyper-V VHD; qemu calls it {@code vpc}. */
  VHD("vhd", "vpc"),
  /** Microsoft Hyper-V VHDX. */
  VHDX("vhdx", "vhdx"),
  /** VirtualBox VDI. */
  VDI("vdi", "vdi"),
  /** ISO 9660 optical disc image; raw to qemu. */
  ISO("iso", "raw");

  private final String glanceName;
  private final String qemuName;

  ImageFormat(String glanceName, String qemuName) {
    this.glanceName = glanceName;
    this.qemuName = qemuName;
  }

  /** Glance {@code disk_format} name: raw, qcow2, ploop (for PARALLELS), vmdk, vhd, vhdx, vdi, iso. */
  public String glanceName() {
    return glanceName;
  }

  /** qemu-img's {@code -f} name: raw, qcow2, parallels, vmdk, vpc (VHD), vhdx, vdi, raw (ISO). */
  public String qemuName() {
    return qemuName;
  }

  /**
   * The format a Glance {@code disk_format} names; {@code ami}, {@code ari} and {@code aki} are RAW. Empty for any
   * other name (including {@code bare}-style container formats and upper-case spellings).
   */
  public static Optional<ImageFormat> forDiskFormat(String diskFormat) {
    checkNotNull(diskFormat, "diskFormat");
    switch (diskFormat) {
      case "ami":
      case "ari":
      case "aki":
        return Optional.of(RAW);
      default:
        for (ImageFormat format : values()) {
          if (format.glanceName.equals(diskFormat)) {
            return Optional.of(format);
          }
        }
        return Optional.empty();
    }
  }
}
