package io.imgtrust.core.internal.ledger;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.io.FileIdentity;
import io.imgtrust.core.ledger.LedgerRecord;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The one implementation of {@link LedgerRecord}, and the only way to make one ({@link #builder()}): internal to the
 * core, so only the cache builds and seals records. Immutable.
 */
public final class SealedRecord implements LedgerRecord {

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

  private SealedRecord(Builder b) {
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

  /** A builder holding every field of {@code r}. */
  public static Builder toBuilder(LedgerRecord r) {
    Builder b = new Builder();
    b.imageId = r.imageId();
    b.cacheFile = r.cacheFile();
    b.diskFormat = r.diskFormat();
    b.chunks = r.chunks();
    b.identity = r.identity();
    b.fill = r.fill();
    b.conversion = r.conversion().orElse(null);
    b.filledAt = r.filledAt();
    b.verifiedAt = r.verifiedAt();
    b.state = r.state();
    b.stateReason = r.stateReason().orElse(null);
    return b;
  }

  @Override
  public String imageId() {
    return imageId;
  }

  /** The cache file's name within the cache directory. */
  @Override
  public String cacheFile() {
    return cacheFile;
  }

  /** The image's {@code disk_format} in Glance (the cache file is raw when it was converted). */
  @Override
  public String diskFormat() {
    return diskFormat;
  }

  /** SHA-256 of each 4 MiB chunk of the cache file, in order. */
  @Override
  public ImmutableList<HashCode> chunks() {
    return chunks;
  }

  /** SHA-256 over the concatenated chunk digests: the identity of the cache file's content. */
  @Override
  public HashCode contentDigest() {
    return ImageDigests.chunkListDigest(chunks);
  }

  @Override
  public FileIdentity identity() {
    return identity;
  }

  /** The cache file's size in bytes. */
  @Override
  public long size() {
    return identity.size();
  }

  /**
   * What was verified at fill, as flat facts: {@code digest_algorithm}, {@code digest_field}, {@code digest_value},
   * and for signed images {@code signature}, {@code signature_hash_method}, {@code signature_key_type},
   * {@code certificate_id}, {@code signer_subject}, {@code signer_fingerprint_sha256}, {@code trust_anchor_subject},
   * {@code trust_anchor_fingerprint_sha256}.
   */
  @Override
  public ImmutableMap<String, String> fill() {
    return fill;
  }

  /** Present when the cache file is a raw conversion of the signed image. */
  @Override
  public Optional<Conversion> conversion() {
    return conversion;
  }

  @Override
  public Instant filledAt() {
    return filledAt;
  }

  /** When the content was last verified in full (at fill, or by a recheck). */
  @Override
  public Instant verifiedAt() {
    return verifiedAt;
  }

  @Override
  public State state() {
    return state;
  }

  /** Why the entry is in its state (the reason code of a quarantine). */
  @Override
  public Optional<String> stateReason() {
    return stateReason;
  }


  /** Builds a {@link SealedRecord}. */
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

    public SealedRecord build() {
      return new SealedRecord(this);
    }
  }
}
