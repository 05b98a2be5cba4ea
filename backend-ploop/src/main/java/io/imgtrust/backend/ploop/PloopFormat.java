package io.imgtrust.backend.ploop;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** {@code [ploop] format}: how {@code root.hds} lays out the disk (Nova's {@code pcs_format}). */
enum PloopFormat {
  /** A Parallels/ploop v2 image; all-zero clusters stay unallocated. */
  EXPANDED("ploop", "Compressed"),
  /** The disk's bytes as a sparse raw file. */
  RAW("raw", "Plain");

  private final String libvirtType;
  private final String descriptorType;

  PloopFormat(String libvirtType, String descriptorType) {
    this.libvirtType = libvirtType;
    this.descriptorType = descriptorType;
  }

  /** {@code [ploop] format}, declared by {@link PloopBackendProvider#options()}. */
  static final BackendOption OPTION = BackendOption.of("ploop", "format", Key.Type.choice("expanded", "raw"),
      "expanded", "expanded (Parallels v2 image, zero clusters left out) | raw (Nova's pcs_format)");

  static PloopFormat from(BackendSettings settings) throws ImageTrustException {
    return valueOf(settings.string(OPTION).toUpperCase(Locale.ROOT));
  }

  /** The {@code <driver type>} libvirt needs for this {@code root.hds}. */
  String libvirtType() {
    return libvirtType;
  }

  /** The {@code <Type>} of the image in {@code DiskDescriptor.xml}. */
  String descriptorType() {
    return descriptorType;
  }

  /** Creates {@code file} (which must not exist) for a disk of this geometry. */
  RootImage create(Path file, ParallelsGeometry g) throws IOException {
    return this == EXPANDED ? ParallelsWriter.create(file, g) : RawImage.create(file, g.virtualBytes());
  }

  /** The config word, e.g. {@code expanded}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
