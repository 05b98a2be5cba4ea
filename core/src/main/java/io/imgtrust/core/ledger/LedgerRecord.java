package io.imgtrust.core.ledger;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.io.FileIdentity;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What imgtrust knows about one cache file: which image it holds, the SHA-256 of every 4 MiB chunk and the digest over
 * their list (the content's identity), what was verified when the cache was filled (digest, signature, signer, trust
 * anchor), any conversion (source digest to converted digest), the file's identity, and times. Immutable.
 *
 * <p>A record is only trusted after its seal verified ({@link Ledger}). It binds the content (the chunks); a file whose
 * current identity differs from {@link #identity()} changed since it was sealed, and its content must be hashed before
 * it is trusted again.
 */
public final class LedgerRecord {
  /** States of a cache entry. */
  public enum State { VERIFIED, QUARANTINED }

  private final String imageId;
  private final String cacheFile;
  private final String diskFormat;
  private final ImmutableList<HashCode> chunks;
  private final FileIdentity identity;
  private final ImmutableMap<String, String> fill;
  private final Optional<Conversion> conversion;
  private final Instant filledAt;
  private final Instant verifiedAt;
  private final State state;
  private final Optional<String> stateReason;

  private LedgerRecord(Builder b) {
    this.imageId = checkNotNull(b.imageId, "imageId");
    this.cacheFile = checkNotNull(b.cacheFile, "cacheFile");
    this.diskFormat = checkNotNull(b.diskFormat, "diskFormat");
    this.chunks = checkNotNull(b.chunks, "chunks");
    this.identity = checkNotNull(b.identity, "identity");
    this.fill = ImmutableMap.copyOf(b.fill);
    this.conversion = Optional.ofNullable(b.conversion);
    this.filledAt = checkNotNull(b.filledAt, "filledAt");
    this.verifiedAt = checkNotNull(b.verifiedAt, "verifiedAt");
    this.state = checkNotNull(b.state, "state");
    this.stateReason = Optional.ofNullable(b.stateReason);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.imageId = imageId;
    b.cacheFile = cacheFile;
    b.diskFormat = diskFormat;
    b.chunks = chunks;
    b.identity = identity;
    b.fill = fill;
    b.conversion = conversion.orElse(null);
    b.filledAt = filledAt;
    b.verifiedAt = verifiedAt;
    b.state = state;
    b.stateReason = stateReason.orElse(null);
    return b;
  }

  public String imageId() {
    return imageId;
  }

  /** The cache file's name within the cache directory. */
  public String cacheFile() {
    return cacheFile;
  }

  /** The image's {@code disk_format} in Glance (the cache file is raw when it was converted). */
  public String diskFormat() {
    return diskFormat;
  }

  /** SHA-256 of each 4 MiB chunk of the cache file, in order. */
  public ImmutableList<HashCode> chunks() {
    return chunks;
  }

  /** SHA-256 over the concatenated chunk digests: the identity of the cache file's content. */
  public HashCode contentDigest() {
    return ImageDigests.chunkListDigest(chunks);
  }

  public FileIdentity identity() {
    return identity;
  }

  /** The cache file's size in bytes. */
  public long size() {
    return identity.size();
  }

  /**
   * What was verified at fill, as flat facts: {@code digest_algorithm}, {@code digest_field}, {@code digest_value},
   * and for signed images {@code signature}, {@code signature_hash_method}, {@code signature_key_type},
   * {@code certificate_id}, {@code signer_subject}, {@code signer_fingerprint_sha256}, {@code trust_anchor_subject},
   * {@code trust_anchor_fingerprint_sha256}.
   */
  public ImmutableMap<String, String> fill() {
    return fill;
  }

  /** Present when the cache file is a raw conversion of the signed image. */
  public Optional<Conversion> conversion() {
    return conversion;
  }

  public Instant filledAt() {
    return filledAt;
  }

  /** When the content was last verified in full (at fill, or by a recheck). */
  public Instant verifiedAt() {
    return verifiedAt;
  }

  public State state() {
    return state;
  }

  /** Why the entry is in its state (the reason code of a quarantine). */
  public Optional<String> stateReason() {
    return stateReason;
  }

  /** A conversion at fill: the verified source and what it became. Immutable. */
  public static final class Conversion {
    private final String fromFormat;
    private final long sourceSize;
    private final HashCode sourceContentDigest;

    public Conversion(String fromFormat, long sourceSize, HashCode sourceContentDigest) {
      this.fromFormat = checkNotNull(fromFormat);
      this.sourceSize = sourceSize;
      this.sourceContentDigest = checkNotNull(sourceContentDigest);
    }

    public String fromFormat() {
      return fromFormat;
    }

    public long sourceSize() {
      return sourceSize;
    }

    /** The chunk-list digest of the verified source bytes, before conversion. */
    public HashCode sourceContentDigest() {
      return sourceContentDigest;
    }
  }

  /** Builds a {@link LedgerRecord}. */
  public static final class Builder {
    private String imageId;
    private String cacheFile;
    private String diskFormat;
    private ImmutableList<HashCode> chunks;
    private FileIdentity identity;
    private Map<String, String> fill = ImmutableMap.of();
    private Conversion conversion;
    private Instant filledAt;
    private Instant verifiedAt;
    private State state = State.VERIFIED;
    private String stateReason;

    private Builder() {}

    public Builder imageId(String v) {
      imageId = v;
      return this;
    }

    public Builder cacheFile(String v) {
      cacheFile = v;
      return this;
    }

    public Builder diskFormat(String v) {
      diskFormat = v;
      return this;
    }

    public Builder chunks(ImmutableList<HashCode> v) {
      chunks = v;
      return this;
    }

    public Builder identity(FileIdentity v) {
      identity = v;
      return this;
    }

    public Builder fill(Map<String, String> v) {
      fill = v;
      return this;
    }

    public Builder conversion(Conversion v) {
      conversion = v;
      return this;
    }

    public Builder filledAt(Instant v) {
      filledAt = v;
      return this;
    }

    public Builder verifiedAt(Instant v) {
      verifiedAt = v;
      return this;
    }

    public Builder state(State v, String reason) {
      state = v;
      stateReason = reason;
      return this;
    }

    public LedgerRecord build() {
      return new LedgerRecord(this);
    }
  }
}
