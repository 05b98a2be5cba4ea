package io.imgtrust.core.spi;

import com.google.common.xml.XmlEscapers;
import java.nio.file.Path;

/** Libvirt {@code <disk>} elements for backends; every value is XML-escaped. */
public final class DiskXml {
  private DiskXml() {}

  /** A file disk: {@code driverType} is libvirt's format name (raw, qcow2, ploop). */
  public static String file(Path file, String driverType, String targetDev) {
    return "<disk type='file' device='disk'>"
        + "<driver name='qemu' type='" + attr(driverType) + "' cache='none'/>"
        + "<source file='" + attr(file.toString()) + "'/>"
        + "<target dev='" + attr(targetDev) + "' bus='virtio'/>"
        + "</disk>";
  }

  /**
   * A qcow2 overlay on a base, with a {@code <backingStore>} that pins the base and its format (libvirt then neither
   * probes nor follows anything else).
   */
  public static String qcow2Overlay(Path overlay, Path base, String baseFormat, String targetDev) {
    return "<disk type='file' device='disk'>"
        + "<driver name='qemu' type='qcow2' cache='none'/>"
        + "<source file='" + attr(overlay.toString()) + "'/>"
        + "<backingStore type='file'><format type='" + attr(baseFormat) + "'/>"
        + "<source file='" + attr(base.toString()) + "'/><backingStore/></backingStore>"
        + "<target dev='" + attr(targetDev) + "' bus='virtio'/>"
        + "</disk>";
  }

  /** A block-device disk (an LV or a loop device), raw. */
  public static String block(Path device, String targetDev) {
    return "<disk type='block' device='disk'>"
        + "<driver name='qemu' type='raw' cache='none'/>"
        + "<source dev='" + attr(device.toString()) + "'/>"
        + "<target dev='" + attr(targetDev) + "' bus='virtio'/>"
        + "</disk>";
  }

  static String attr(String s) {
    return XmlEscapers.xmlAttributeEscaper().escape(s);
  }
}
