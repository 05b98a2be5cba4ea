package io.imgtrust.core.spi;

import com.google.common.xml.XmlEscapers;
import java.nio.file.Path;

/** Libvirt {@code <disk>} elements for backends; every value is XML-escaped. */
public final class DiskXml {
  /** The seclabels that keep libvirt from relabelling a shared, read-only file. */
  public static final String NO_RELABEL = "<seclabel model='dac' relabel='no'/><seclabel model='selinux' "
      + "relabel='no'/>";

  private DiskXml() {}

  /**
   * A file disk: {@code driverType} is libvirt's format name (raw, qcow2, ploop). The file is the instance's own
   * disk, which QEMU writes, so libvirt relabels it as usual.
   */
  public static String file(Path file, String driverType, String targetDev) {
    return "<disk type='file' device='disk'>"
        + "<driver name='qemu' type='" + attr(driverType) + "' cache='none'/>"
        + "<source file='" + attr(file.toString()) + "'/>"
        + "<target dev='" + attr(targetDev) + "' bus='virtio'/>"
        + "</disk>";
  }

  /**
   * A qcow2 overlay on a base, with a {@code <backingStore>} that pins the base and its format (libvirt then neither
   * probes nor follows anything else) and keeps libvirt from relabelling the base: {@code <seclabel relabel='no'/>}
   * for the {@code dac} model (else dynamic ownership chowns the shared base to the QEMU user, who could then make
   * it writable) and for {@code selinux} (libvirt accepts it where SELinux is not active). The overlay itself is
   * relabelled as usual.
   */
  public static String qcow2Overlay(Path overlay, Path base, String baseFormat, String targetDev) {
    return "<disk type='file' device='disk'>"
        + "<driver name='qemu' type='qcow2' cache='none'/>"
        + "<source file='" + attr(overlay.toString()) + "'/>"
        + "<backingStore type='file'><format type='" + attr(baseFormat) + "'/>"
        + "<source file='" + attr(base.toString()) + "'>" + NO_RELABEL + "</source><backingStore/></backingStore>"
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
