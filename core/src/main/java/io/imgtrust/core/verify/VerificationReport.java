package io.imgtrust.core.verify;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.trust.TrustedSigner;
import java.util.Optional;

/**
 * What a successful verification checked. Immutable. A report exists only for an image that passed every check
 * it lists; refusals are exceptions.
 */
public final class VerificationReport {
  private final String imageId;
  private final long size;
  private final ImmutableList<DigestCheck> digestChecks;
  private final Optional<SignatureCheck> signature;
  private final ImageDigests digests;

  VerificationReport(String imageId, long size, ImmutableList<DigestCheck> digestChecks,
      Optional<SignatureCheck> signature, ImageDigests digests) {
    this.imageId = imageId;
    this.size = size;
    this.digestChecks = digestChecks;
    this.signature = signature;
    this.digests = digests;
  }

  public String imageId() {
    return imageId;
  }

  public long size() {
    return size;
  }

  /** Bytes read and hashed for this verification. */
  public long bytesHashed() {
    return digests.bytesHashed();
  }

  /** The digests compared with the metadata. */
  public ImmutableList<DigestCheck> digestChecks() {
    return digestChecks;
  }

  /** The signature check, if the image was signed. */
  public Optional<SignatureCheck> signature() {
    return signature;
  }

  /** Every digest the read produced (including chunk leaves, if asked for). */
  public ImageDigests digests() {
    return digests;
  }

  /**
   * What was verified, as the flat facts a record keeps ({@link io.imgtrust.core.ledger.LedgerRecord#fill()}):
   * {@code digest_algorithm}, {@code digest_field}, {@code digest_value} and, when signed, the signature's and the
   * signer's facts.
   */
  public ImmutableMap<String, String> facts() {
    ImmutableMap.Builder<String, String> b = ImmutableMap.builder();
    digestChecks().forEach(d -> b.put("digest_algorithm", d.algorithm().glanceName())
        .put("digest_field", d.field()).put("digest_value", d.value()));
    signature().ifPresent(s -> b.put("signature", s.properties().signatureBase64())
        .put("signature_hash_method", s.properties().hashMethod().signatureName().orElseThrow())
        .put("signature_key_type", s.properties().keyType().glanceName())
        .put("certificate_id", s.signer().certificateId())
        .put("signer_subject", s.signer().subject())
        .put("signer_fingerprint_sha256", s.signer().fingerprint())
        .put("trust_anchor_subject", s.signer().anchorSubject())
        .put("trust_anchor_fingerprint_sha256", s.signer().anchorFingerprint()));
    return b.build();
  }

  /** One digest that matched its expected value. */
  public static final class DigestCheck {
    private final HashAlgorithm algorithm;
    private final String field;
    private final String value;

    DigestCheck(HashAlgorithm algorithm, String field, String value) {
      this.algorithm = algorithm;
      this.field = field;
      this.value = value;
    }

    public HashAlgorithm algorithm() {
      return algorithm;
    }

    /** The metadata field the expectation came from ({@code os_hash_value} or {@code checksum}). */
    public String field() {
      return field;
    }

    /** The matching digest, lower-case hex. */
    public String value() {
      return value;
    }
  }

  /** A signature that verified, and the chain that made its signer trusted. */
  public static final class SignatureCheck {
    private final SignatureProperties properties;
    private final TrustedSigner signer;

    SignatureCheck(SignatureProperties properties, TrustedSigner signer) {
      this.properties = properties;
      this.signer = signer;
    }

    public SignatureProperties properties() {
      return properties;
    }

    public TrustedSigner signer() {
      return signer;
    }
  }
}
