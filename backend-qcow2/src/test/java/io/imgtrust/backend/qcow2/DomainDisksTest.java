package io.imgtrust.backend.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainDisksTest {
  @Test
  void parse_fileDisksWithPinnedChain_readsSourceTypeAndLevels() throws Exception {
    String xml = "<domain type='kvm'><name>a</name><devices>"
        + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/i/a/disk'/>"
        + "<backingStore type='file'><format type='raw'/><source file='/i/_base/x'/><backingStore/></backingStore>"
        + "<target dev='vda'/></disk>"
        + "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/iso/x.iso'/></disk>"
        + "<disk type='network'><source protocol='rbd' name='p/i'/></disk>"
        + "</devices></domain>";

    ImmutableList<DomainDisks.Disk> disks = DomainDisks.parse(xml);

    assertThat(disks).hasSize(2);
    DomainDisks.Disk d = disks.get(0);
    assertThat(d.source).isEqualTo(Path.of("/i/a/disk"));
    assertThat(d.driverType).isEqualTo("qcow2");
    assertThat(d.pinned).isTrue();
    assertThat(d.backingStores).hasSize(2);
    assertThat(d.backingStores.get(0).source).contains(Path.of("/i/_base/x"));
    assertThat(d.backingStores.get(0).format).contains("raw");
    assertThat(d.backingStores.get(1).source).isEmpty();
  }

  @Test
  void parse_noBackingStore_notPinned() throws Exception {
    DomainDisks.Disk d = DomainDisks.parse("<domain><devices><disk type='file'><driver type='qcow2'/>"
        + "<source file='/x'/></disk></devices></domain>").get(0);

    assertThat(d.pinned).isFalse();
    assertThat(d.backingStores).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;</domain>",
      "<!DOCTYPE domain [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><domain>&b;</domain>",
      "<domain><devices><disk",
      "<network/>",
      "",
      "<domain xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='file:///etc/passwd'/></domain>x"})
  void parse_hostileOrBrokenXml_malformedDomain(String xml) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> DomainDisks.parse(xml));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_DOMAIN);
  }

  @Test
  void parse_hugeXml_refusedBeforeParsing() {
    String xml = "<domain>" + "x".repeat(DomainDisks.MAX_BYTES) + "</domain>";

    assertThat(catchThrowableOfType(ImageTrustException.class, () -> DomainDisks.parse(xml)).reason())
        .isEqualTo(Reason.MALFORMED_DOMAIN);
  }

  @Test
  void read_everyDiskType_typeTargetSourceAndWhere() throws Exception {
    DomainDisks d = DomainDisks.read("<domain><name> vm-1 </name><devices>"
        + "<disk type='block'><source dev='/dev/sdb'/><target dev='vdb'/></disk>"
        + "<disk type='network'><source protocol='rbd' name='p/i'/><target dev='vdc'/></disk>"
        + "<disk type='volume'><driver type='raw'/><source pool='P' volume='V'/><target dev='vdd'/></disk>"
        + "<disk type='dir'><source dir='/srv/d'/><target dev='hda'/></disk>"
        + "<disk device='cdrom'><target dev='hdc'/></disk>"
        + "</devices></domain>");

    assertThat(d.name).isEqualTo("vm-1");
    assertThat(d.disks).extracting(x -> x.type).containsExactly("block", "network", "volume", "dir", "file");
    assertThat(d.disks).extracting(DomainDisks.Disk::name).containsExactly("vdb (/dev/sdb)", "vdc (rbd p/i)",
        "vdd (pool P volume V)", "hda (/srv/d)", "hdc (no medium)");
    assertThat(d.disks.get(2).pool).isEqualTo("P");
    assertThat(d.disks.get(2).volume).isEqualTo("V");
    assertThat(d.disks.get(3).source).isEqualTo(Path.of("/srv/d"));
    assertThat(d.disks.get(4).readonly).as("a cdrom is read-only").isTrue();
    assertThat(d.disks.get(0).readonly).isFalse();
  }

  @Test
  void read_sourceSeclabels_dacNoOnlyWhenExplicit() throws Exception {
    DomainDisks d = DomainDisks.read("<domain><devices>"
        + disk("<seclabel model='dac' relabel='no'/><seclabel model='selinux' relabel='no'/>")
        + disk("<seclabel model='dac' relabel='yes'/>")
        + disk("<seclabel relabel='no'/>")
        + disk("<seclabel model='dac' relabel='no'/><seclabel relabel='yes'/>")
        + disk("<seclabel model='selinux' relabel='no'/>")
        + "</devices></domain>");

    assertThat(d.disks).extracting(x -> x.relabel).containsExactly(DomainDisks.Relabel.NO,
        DomainDisks.Relabel.YES, DomainDisks.Relabel.UNSET, DomainDisks.Relabel.YES, DomainDisks.Relabel.UNSET);
    assertThat(d.disks.get(0).backingStores.get(0).relabel).isEqualTo(DomainDisks.Relabel.NO);
    assertThat(d.disks.get(1).backingStores.get(0).relabel).isEqualTo(DomainDisks.Relabel.YES);
  }

  private static String disk(String seclabels) {
    return "<disk type='file'><driver type='qcow2'/><source file='/o'>" + seclabels + "</source>"
        + "<backingStore type='file'><format type='raw'/><source file='/b'>" + seclabels + "</source></backingStore>"
        + "<target dev='vda'/></disk>";
  }

  @ParameterizedTest
  @ValueSource(strings = {"<seclabel type='none' model='dac'/>", "<seclabel type='static' model='dac'/>",
      "<seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>",
      "<seclabel type='none' model='selinux'/><seclabel type='none' model='dac'/>"})
  void read_domainDacSeclabelOff_relabelOffForTheDomain(String seclabel) throws Exception {
    assertThat(DomainDisks.read("<domain>" + seclabel + "<devices/></domain>").dacRelabelOff).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "<seclabel type='none'/>", "<seclabel type='dynamic' model='dac' relabel='yes'/>",
      "<seclabel type='none' model='selinux'/>", "<seclabel type='dynamic' model='dac'/>"})
  void read_noDomainDacSeclabelOff_relabelStaysOn(String seclabel) throws Exception {
    assertThat(DomainDisks.read("<domain>" + seclabel + "<devices/></domain>").dacRelabelOff).isFalse();
  }
}
