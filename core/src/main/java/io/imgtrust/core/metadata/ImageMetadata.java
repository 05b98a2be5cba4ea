package io.imgtrust.core.metadata;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Optional;

/**
 * What the image service says an image is: the expectations imgtrust checks bytes against. Immutable.
 *
 * <p>Made by {@link GlanceMetadata#parse}, which guarantees that digests have the right length for their
 * algorithm and that a signature is either complete or absent.
 */
public final class ImageMetadata {
  private final String id;
  private final String diskFormat;
  private final long size;
  private final Optional<Digest> checksum;
  private final Optional<Digest> multihash;
  private final Optional<SignatureProperties> signature;

  private ImageMetadata(Builder b) {
    this.id = checkNotNull(b.id, "id");
    this.diskFormat = checkNotNull(b.diskFormat, "diskFormat");
    checkArgument(b.size >= 0, "size");
    this.size = b.size;
    this.checksum = Optional.ofNullable(b.checksum);
    this.multihash = Optional.ofNullable(b.multihash);
    this.signature = Optional.ofNullable(b.signature);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The image id ({@code id}). */
  public String id() {
    return id;
  }

  /** {@code disk_format}, e.g. {@code raw} or {@code qcow2}. */
  public String diskFormat() {
    return diskFormat;
  }

  /** {@code size}: the number of image bytes. */
  public long size() {
    return size;
  }

  /** The legacy md5 {@code checksum}, if any. */
  public Optional<Digest> checksum() {
    return checksum;
  }

  /** The multihash ({@code os_hash_algo}, {@code os_hash_value}), if any. */
  public Optional<Digest> multihash() {
    return multihash;
  }

  /** The signature properties, if the image is signed. */
  public Optional<SignatureProperties> signature() {
    return signature;
  }

  /**
   * The digest to compare the bytes with, as Glance's client chooses it: the multihash when present, otherwise the
   * md5 checksum. Empty when the metadata has neither.
   */
  public Optional<Digest> expectedDigest() {
    return multihash.isPresent() ? multihash : checksum;
  }

  /** An expected digest: an algorithm and its value. Immutable. */
  public static final class Digest {
    private final HashAlgorithm algorithm;
    private final byte[] value;

    private Digest(HashAlgorithm algorithm, byte[] value) {
      checkArgument(value.length == algorithm.length(), "digest length");
      this.algorithm = algorithm;
      this.value = value.clone();
    }

    public static Digest of(HashAlgorithm algorithm, byte[] value) {
      return new Digest(algorithm, value);
    }

    public HashAlgorithm algorithm() {
      return algorithm;
    }

    /** The digest bytes; a copy. */
    public byte[] value() {
      return value.clone();
    }
  }

  /** Builds {@link ImageMetadata}; for the parser and for tests. */
  public static final class Builder {
    private String id;
    private String diskFormat = "raw";
    private long size = -1;
    private Digest checksum;
    private Digest multihash;
    private SignatureProperties signature;

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder diskFormat(String diskFormat) {
      this.diskFormat = diskFormat;
      return this;
    }

    public Builder size(long size) {
      this.size = size;
      return this;
    }

    public Builder checksum(Digest checksum) {
      checkArgument(checksum == null || checksum.algorithm() == HashAlgorithm.MD5, "checksum is md5");
      this.checksum = checksum;
      return this;
    }

    public Builder multihash(Digest multihash) {
      checkArgument(multihash == null || multihash.algorithm() != HashAlgorithm.MD5, "multihash is not md5");
      this.multihash = multihash;
      return this;
    }

    public Builder signature(SignatureProperties signature) {
      this.signature = signature;
      return this;
    }

    public ImageMetadata build() {
      return new ImageMetadata(this);
    }
  }
}
