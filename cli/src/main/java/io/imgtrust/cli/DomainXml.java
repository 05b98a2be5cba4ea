package io.imgtrust.cli;

import com.google.common.xml.XmlEscapers;
import java.nio.file.Files;
import java.nio.file.Path;

/** The domain {@code spawn --boot} defines around a disk: 256 MiB, 1 vCPU, serial console, no graphics. */
final class DomainXml {
  private DomainXml() {}

  /** {@code kvm} when /dev/kvm is usable by this process, else {@code qemu} (TCG). */
  static String type() {
    Path kvm = Path.of("/dev/kvm");
    return Files.isReadable(kvm) && Files.isWritable(kvm) ? "kvm" : "qemu";
  }

  static String of(String name, String diskXml, int memoryMib) {
    return "<domain type='" + type() + "'><name>" + XmlEscapers.xmlContentEscaper().escape(name) + "</name>"
        + "<memory unit='MiB'>" + memoryMib + "</memory><vcpu>1</vcpu>"
        + "<os><type arch='x86_64'>hvm</type><boot dev='hd'/></os><devices>" + diskXml
        + "<serial type='pty'/><console type='pty'/></devices></domain>";
  }
}
