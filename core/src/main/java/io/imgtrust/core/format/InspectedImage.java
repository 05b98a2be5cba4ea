package io.imgtrust.core.format;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.MoreObjects;
import java.util.Optional;

/**
 * What {@link FormatInspector} read from an image's headers. Immutable and thread-safe.
 *
 * <p><b>Guarantees:</b> every value comes from headers that passed the inspector's range checks; no other file was
 * opened to produce it. {@link #virtualSize()} is never negative. For RAW and ISO it is the file size.
 *
 * <p><b>Warning:</b> an {@code InspectedImage} only describes the image; it does not say the image is safe. Use
 * {@link FormatInspector#requireSafe} for that. Names ({@link #backingFile()}, {@link #dataFile()}) are untrusted
 * text from the image: display them, never open them.
 */
public final class InspectedImage {
  private final ImageFormat format;
  private final long virtualSize;
  private final Optional<String> backingFile;
  private final Optional<String> backingFormat;
  private final Optional<String> dataFile;
  private final int qcow2Version;
  private final long incompatibleFeatures;
  private final boolean encrypted;
  private final Optional<String> vmdkCreateType;

  private InspectedImage(Builder b) {
    this.format = checkNotNull(b.format);
    checkArgument(b.virtualSize >= 0, "negative virtual size");
    this.virtualSize = b.virtualSize;
    this.backingFile = Optional.ofNullable(b.backingFile);
    this.backingFormat = Optional.ofNullable(b.backingFormat);
    this.dataFile = Optional.ofNullable(b.dataFile);
    this.qcow2Version = b.qcow2Version;
    this.incompatibleFeatures = b.incompatibleFeatures;
    this.encrypted = b.encrypted;
    this.vmdkCreateType = Optional.ofNullable(b.vmdkCreateType);
  }

  static Builder builder(ImageFormat format, long virtualSize) {
    return new Builder(format, virtualSize);
  }

  /** The format found in the headers. */
  public ImageFormat format() {
    return format;
  }

  /** The guest-visible size in bytes, as qemu reports it; for RAW and ISO the file size. */
  public long virtualSize() {
    return virtualSize;
  }

  /**
   * The backing (parent) image the headers name: the qcow2 backing file, a VMDK {@code parentFileNameHint}, or a
   * differencing VHD/VHDX parent. Present (possibly as an empty string) whenever the image has a parent at all.
   */
  public Optional<String> backingFile() {
    return backingFile;
  }

  /** The qcow2 backing format extension (0xE2792ACA), when present. */
  public Optional<String> backingFormat() {
    return backingFormat;
  }

  /** The qcow2 external data file name extension (0x44415441), when present. */
  public Optional<String> dataFile() {
    return dataFile;
  }

  /** 2 or 3 for qcow2; 0 for every other format. */
  public int qcow2Version() {
    return qcow2Version;
  }

  /** The qcow2 v3 incompatible feature bits as stored; 0 for qcow2 v2 and other formats. */
  public long incompatibleFeatures() {
    return incompatibleFeatures;
  }

  /** True when the headers declare the content encrypted (qcow2 {@code crypt_method != 0}). */
  public boolean encrypted() {
    return encrypted;
  }

  /** The {@code createType} of a VMDK's embedded descriptor, when the VMDK has one. */
  public Optional<String> vmdkCreateType() {
    return vmdkCreateType;
  }

  @Override
  public String toString() {
    return MoreObjects.toStringHelper(this)
        .omitNullValues()
        .add("format", format)
        .add("virtualSize", virtualSize)
        .add("backingFile", backingFile.orElse(null))
        .add("backingFormat", backingFormat.orElse(null))
        .add("dataFile", dataFile.orElse(null))
        .add("qcow2Version", qcow2Version == 0 ? null : qcow2Version)
        .add("incompatibleFeatures", incompatibleFeatures == 0 ? null : Long.toHexString(incompatibleFeatures))
        .add("encrypted", encrypted ? true : null)
        .add("vmdkCreateType", vmdkCreateType.orElse(null))
        .toString();
  }

  /** Collects the facts of one image; package-private, used by the per-format readers. */
  static final class Builder {
    private final ImageFormat format;
    private final long virtualSize;
    private String backingFile;
    private String backingFormat;
    private String dataFile;
    private int qcow2Version;
    private long incompatibleFeatures;
    private boolean encrypted;
    private String vmdkCreateType;

    private Builder(ImageFormat format, long virtualSize) {
      this.format = format;
      this.virtualSize = virtualSize;
    }

    Builder backingFile(String name) {
      this.backingFile = name;
      return this;
    }

    Builder backingFormat(String name) {
      this.backingFormat = name;
      return this;
    }

    Builder dataFile(String name) {
      this.dataFile = name;
      return this;
    }

    Builder qcow2(int version, long incompatible) {
      this.qcow2Version = version;
      this.incompatibleFeatures = incompatible;
      return this;
    }

    Builder encrypted(boolean value) {
      this.encrypted = value;
      return this;
    }

    Builder vmdkCreateType(String type) {
      this.vmdkCreateType = type;
      return this;
    }

    InspectedImage build() {
      return new InspectedImage(this);
    }
  }
}
