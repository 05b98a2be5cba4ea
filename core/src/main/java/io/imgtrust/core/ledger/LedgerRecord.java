package io.imgtrust.core.ledger;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.io.FileIdentity;
import java.time.Instant;
import java.util.Optional;

/**
 * What imgtrust knows about one cache file, read-only: which image it holds, the SHA-256 of every 4 MiB chunk and the
 * digest over their list (the content's identity), what was verified when the cache was filled (digest, signature,
 * signer, trust anchor), any conversion (source digest to converted digest), the file's identity, and times.
 *
 * <p>Part of the SPI as a view: backends and the command read records ({@code CacheEntry.record()}); only the cache
 * makes and seals them (in {@code io.imgtrust.core.internal}), so no plugin can seal a record the cache would trust.
 * A record is only trusted after its seal verified. It binds the content (the chunks); a file whose current identity
 * differs from {@link #identity()} changed since it was sealed, and its content must be hashed before it is trusted
 * again.
 */
public interface LedgerRecord {
  /** States of a cache entry. */
  enum State { VERIFIED, QUARANTINED }

  String imageId();

  /** The cache file's name within the cache directory. */
  String cacheFile();

  /** The image's {@code disk_format} in Glance (the cache file is raw when it was converted). */
  String diskFormat();

  /** SHA-256 of each 4 MiB chunk of the cache file, in order. */
  ImmutableList<HashCode> chunks();

  /** SHA-256 over the concatenated chunk digests: the identity of the cache file's content. */
  HashCode contentDigest();

  FileIdentity identity();

  /** The cache file's size in bytes. */
  long size();

  /**
   * What was verified at fill, as flat facts: {@code digest_algorithm}, {@code digest_field}, {@code digest_value},
   * and for signed images {@code signature}, {@code signature_hash_method}, {@code signature_key_type},
   * {@code certificate_id}, {@code signer_subject}, {@code signer_fingerprint_sha256}, {@code trust_anchor_subject},
   * {@code trust_anchor_fingerprint_sha256}.
   */
  ImmutableMap<String, String> fill();

  /** Present when the cache file is a raw conversion of the signed image. */
  Optional<Conversion> conversion();

  Instant filledAt();

  /** When the content was last verified in full (at fill, or by a recheck). */
  Instant verifiedAt();

  State state();

  /** Why the entry is in its state (the reason code of a quarantine). */
  Optional<String> stateReason();

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
}
