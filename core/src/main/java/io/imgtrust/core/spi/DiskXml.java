package io.imgtrust.core.spi;

import com.google.common.net.HostAndPort;
import com.google.common.xml.XmlEscapers;
import java.nio.file.Path;
import java.util.List;

/**
 * Libvirt {@code <disk>} elements for backends: file, block and network (rbd); every value is XML-escaped.
 *
 * <p>Relabelling (see the README, "Cache files are never relabelled"): an instance's own disk (a file, an LV) is
 * relabelled by libvirt as usual, since QEMU writes it; a shared cache base never is ({@link #NO_RELABEL} inside the
 * pinned {@code <backingStore>}); a network disk has no file and no DAC label at all.
 */
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

  /**
   * A block-device disk (an LV or a loop device), raw. The device is the instance's own disk, so libvirt relabels
   * it (DAC: chowns the device node to the QEMU user) as usual; never hand out a shared device this way.
   */
  public static String block(Path device, String targetDev) {
    return "<disk type='block' device='disk'>"
        + "<driver name='qemu' type='raw' cache='none'/>"
        + "<source dev='" + attr(device.toString()) + "'/>"
        + "<target dev='" + attr(targetDev) + "' bus='virtio'/>"
        + "</disk>";
  }

  /**
   * An RBD network disk: {@code name} is {@code pool/image}, {@code monitors} the Ceph monitors, authenticated as
   * {@code username} with the libvirt secret {@code secretUuid} (type {@code ceph}: the key never appears in the
   * XML). Raw, no host cache. A network disk has no file on the host and no DAC label.
   */
  public static String rbd(String name, List<HostAndPort> monitors, String username, String secretUuid,
      String targetDev) {
    StringBuilder hosts = new StringBuilder();
    for (HostAndPort m : monitors) {
      hosts.append("<host name='").append(attr(m.getHost())).append('\'');
      if (m.hasPort()) {
        hosts.append(" port='").append(m.getPort()).append('\'');
      }
      hosts.append("/>");
    }
    return "<disk type='network' device='disk'>"
        + "<driver name='qemu' type='raw' cache='none'/>"
        + "<source protocol='rbd' name='" + attr(name) + "'>" + hosts + "</source>"
        + "<auth username='" + attr(username) + "'><secret type='ceph' uuid='" + attr(secretUuid) + "'/></auth>"
        + "<target dev='" + attr(targetDev) + "' bus='virtio'/>"
        + "</disk>";
  }

  static String attr(String s) {
    return XmlEscapers.xmlAttributeEscaper().escape(s);
  }
}
