package io.imgtrust.host;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The domain {@link ImgtrustHost#boot} defines around a prepared disk: a name, memory in MiB and a vCPU count, with a
 * serial console and no graphics. The domain type is {@code kvm} where {@code /dev/kvm} is usable, else {@code qemu}
 * (TCG). Immutable.
 */
public final class DomainSpec {
  private final String name;
  private final int memoryMib;
  private final int vcpus;

  private DomainSpec(String name, int memoryMib, int vcpus) {
    this.name = checkNotNull(name);
    checkArgument(!name.isEmpty(), "a domain needs a name");
    checkArgument(memoryMib > 0, "memory must be positive: %s MiB", memoryMib);
    checkArgument(vcpus > 0, "vCPUs must be positive: %s", vcpus);
    this.memoryMib = memoryMib;
    this.vcpus = vcpus;
  }

  /** A domain named {@code name} with {@code memoryMib} MiB and {@code vcpus} vCPUs. */
  public static DomainSpec of(String name, int memoryMib, int vcpus) {
    return new DomainSpec(name, memoryMib, vcpus);
  }

  /** {@code kvm} when /dev/kvm is usable by this process, else {@code qemu} (TCG). */
  public static String domainType() {
    Path kvm = Path.of("/dev/kvm");
    return Files.isReadable(kvm) && Files.isWritable(kvm) ? "kvm" : "qemu";
  }

  /** The libvirt domain XML of this domain with {@code diskXml} (a {@code <disk>} element, or empty) as its disk. */
  public String toXml(String diskXml) {
    return DomainXml.of(this, diskXml);
  }

  public String name() {
    return name;
  }

  public int memoryMib() {
    return memoryMib;
  }

  public int vcpus() {
    return vcpus;
  }
}
