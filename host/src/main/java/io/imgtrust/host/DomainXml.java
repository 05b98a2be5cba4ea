package io.imgtrust.host;

import com.google.common.xml.XmlEscapers;

/** Writes the libvirt domain XML of a {@link DomainSpec}: x86_64 hvm, boot from disk, serial console. */
final class DomainXml {
  private DomainXml() {}

  static String of(DomainSpec spec, String diskXml) {
    return "<domain type='" + DomainSpec.domainType() + "'><name>"
        + XmlEscapers.xmlContentEscaper().escape(spec.name()) + "</name>"
        + "<memory unit='MiB'>" + spec.memoryMib() + "</memory><vcpu>" + spec.vcpus() + "</vcpu>"
        + "<os><type arch='x86_64'>hvm</type><boot dev='hd'/></os><devices>" + diskXml
        + "<serial type='pty'/><console type='pty'/></devices></domain>";
  }
}
