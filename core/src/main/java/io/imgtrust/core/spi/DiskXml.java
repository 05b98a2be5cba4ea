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
