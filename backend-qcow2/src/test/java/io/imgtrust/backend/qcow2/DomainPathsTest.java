package io.imgtrust.backend.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import org.junit.jupiter.api.Test;

class DomainPathsTest {
  private static DomainDisks read(String inner) throws ImageTrustException {
    return DomainDisks.read("<domain type='kvm'><name>t</name>" + inner + "</domain>");
  }

  private static String[] found(DomainDisks d) {
    return d.otherPaths.stream().map(n -> n.element + " " + n.path).toArray(String[]::new);
  }

  @Test
  void walk_everyAbsolutePathOutsideFollowedDiskSources_namedByElement() throws Exception {
    DomainDisks d = read("<title>/t</title><description>/d</description><metadata><x p='/m'/></metadata>"
        + "<os><kernel>/boot/k</kernel><cmdline>root=/dev/vda1 console=ttyS0</cmdline></os><devices>"
        + "<emulator>/usr/bin/qemu</emulator>"
        + "<disk type='file'><driver type='qcow2'/><source file='/i/disk'/><backingStore type='file'>"
        + "<source file='/c/base'/></backingStore></disk>"
        + "<disk type='file'><driver type='raw'/><source file='/i/raw'/><backingStore type='file'>"
        + "<source file='/c/raw-base'/></backingStore></disk>"
        + "<disk type='dir'><source dir='/srv/vvfat'/></disk>"
        + "<disk type='block'><source dev='/dev/sdb'/></disk>"
        + "<disk type='volume'><driver type='qcow2'/><source pool='p' volume='v'/><backingStore type='file'>"
        + "<source file='/c/vol-base'/></backingStore></disk>"
        + "<serial type='file'><source path='/var/log/s'/></serial>"
        + "</devices><qemu:commandline><qemu:arg value='json:{\"filename\":\"/q/j\"}'/>"
        + "<qemu:arg value='file=/q/f,if=none'/></qemu:commandline>");

    assertThat(found(d)).containsExactly("<os><kernel> /boot/k", "<os><cmdline> /dev/vda1",
        "<devices><emulator> /usr/bin/qemu",
        "<devices><disk><backingStore><source file> /c/raw-base", "<devices><disk><source dev> /dev/sdb",
        "<devices><disk><backingStore><source file> /c/vol-base", "<devices><serial><source path> /var/log/s",
        "<qemu:commandline><qemu:arg value> /q/j", "<qemu:commandline><qemu:arg value> /q/f");
  }

  @Test
  void walk_rootAttributesAndWholeValuesWithSpaces_found() throws Exception {
    DomainDisks d = DomainDisks.read("<domain type='/odd'><os><loader>/my dir/OVMF.fd</loader></os></domain>");

    assertThat(found(d)).containsExactly("<domain type> /odd", "<os><loader> /my dir/OVMF.fd", "<os><loader> /my");
  }

  @Test
  void tokens_noAbsolutePath_none() {
    assertThat(DomainPaths.tokens("a/b c=d file:x")).isEmpty();
  }

  @Test
  void read_nestedDeeperThanTheBound_malformedDomain() {
    String xml = "<domain>" + "<a>".repeat(XmlDocs.MAX_DEPTH) + "</a>".repeat(XmlDocs.MAX_DEPTH) + "</domain>";

    assertThat(catchThrowableOfType(ImageTrustException.class, () -> DomainDisks.read(xml)).reason())
        .isEqualTo(Reason.MALFORMED_DOMAIN);
  }
}
