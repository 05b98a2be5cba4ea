package io.imgtrust.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Small test domains around a prepared disk: 64 MiB, 1 vCPU, serial console, no graphics. */
final class Domains {
  private Domains() {}

  /** KVM when /dev/kvm is usable, else TCG. */
  static String type() {
    Path kvm = Path.of("/dev/kvm");
    return Files.isReadable(kvm) && Files.isWritable(kvm) ? "kvm" : "qemu";
  }

  static String xml(String name, String diskXml) {
    return "<domain type='" + type() + "'><name>" + name + "</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
        + "<os><type arch='x86_64'>hvm</type></os><devices>" + diskXml
        + "<serial type='pty'/><console type='pty'/></devices></domain>";
  }
}
