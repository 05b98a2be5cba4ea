package io.imgtrust.core.spi;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import java.util.Map;

/**
 * A disk a backend prepared: the libvirt {@code <disk>} element to put into the domain, where the disk is, and the
 * verification report of the consumption (e.g. {@code bytes_verified}, {@code chunks}, {@code content_digest}).
 * Immutable.
 */
public final class PreparedDisk {
  private final String diskXml;
  private final String target;
  private final ImmutableMap<String, Object> report;

  private PreparedDisk(String diskXml, String target, Map<String, ?> report) {
    this.diskXml = checkNotNull(diskXml);
    this.target = checkNotNull(target);
    this.report = ImmutableMap.copyOf(report);
  }

  public static PreparedDisk of(String diskXml, String target, Map<String, ?> report) {
    return new PreparedDisk(diskXml, target, report);
  }

  /** A libvirt {@code <disk>} element. */
  public String diskXml() {
    return diskXml;
  }

  /** Where the disk is: a path, {@code pool/image} for RBD, {@code /dev/vg/lv} for LVM. */
  public String target() {
    return target;
  }

  public ImmutableMap<String, Object> report() {
    return report;
  }
}
