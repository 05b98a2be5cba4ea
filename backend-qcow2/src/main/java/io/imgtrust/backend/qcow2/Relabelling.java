package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.backend.qcow2.DomainDisks.Relabel;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Path;

/**
 * Whether libvirt's DAC driver would relabel (chown to the QEMU user) one file of a disk, following libvirt's own
 * order: a domain-level {@code <seclabel model='dac'>} with relabelling off wins; then the file's own
 * {@code <source>} seclabel; a file without one inherits the top {@code <source>}'s. Files libvirt finds in image
 * headers (no {@code <backingStore>} in the XML) carry no seclabel of their own. {@code qemu.conf}
 * {@code dynamic_ownership} is not read: the check goes by the domain XML alone.
 */
final class Relabelling {
  private Relabelling() {}

  /** True when libvirt leaves the owner of a file with seclabel {@code own} on {@code disk} alone. */
  static boolean off(DomainDisks domain, DomainDisks.Disk disk, Relabel own) {
    return domain.dacRelabelOff || own == Relabel.NO || own == Relabel.UNSET && disk.relabel == Relabel.NO;
  }

  /** A cache file libvirt would chown as {@code disk}'s backing file, with how to fix the domain. */
  static ImageTrustException backing(DomainDisks.Disk disk, Path cacheFile) {
    String how = disk.pinned
        ? "add <seclabel model='dac' relabel='no'/> inside the <source file='" + cacheFile + "'> of its "
            + "<backingStore>"
        : "the XML has no <backingStore>, so libvirt reads the chain from the image header and relabels it; pin it: "
            + "<backingStore type='file'><format type='...'/><source file='" + cacheFile + "'><seclabel model='dac' "
            + "relabel='no'/></source><backingStore/></backingStore>";
    return refusal(disk, cacheFile, how);
  }

  /** A cache file used directly as a disk without {@code <readonly/>} and relabelling off. */
  static ImageTrustException direct(DomainDisks.Disk disk, Path cacheFile) {
    return refusal(disk, cacheFile, "give the disk <readonly/> and <seclabel model='dac' relabel='no'/> in its "
        + "<source>, or boot a qcow2 overlay on it");
  }

  private static ImageTrustException refusal(DomainDisks.Disk disk, Path cacheFile, String how) {
    return ImageTrustException.of(Reason.UNSAFE_DOMAIN, "disk " + disk.name() + ": libvirt would hand the cache file "
        + cacheFile + " to the QEMU user (dynamic ownership), who could then make it writable. Fix: " + how
        + " (virsh edit), or redefine the domain with imgtrust spawn", ImmutableMap.of("disk", disk.name(),
        "file", cacheFile.toString()));
  }
}
