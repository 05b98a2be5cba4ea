package io.imgtrust.core.trust;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.internal.crypto.PublicKeys;
import io.imgtrust.core.metadata.KeyType;
import java.time.Instant;
import java.util.Optional;

/**
 * A signing certificate that chains to a trusted root, as {@link TrustStore#signer} established it. Immutable.
 *
 * <p>Holding one guarantees that at the time of validation the certificate was in date and that every CA on
 * {@link #path()} was trusted, in date, a CA with keyCertSign, and within its path length. It does not guarantee that
 * the certificate is still valid later; validation is repeated for each verification.
 */
public final class TrustedSigner {
  private final String certificateId;
  private final String subject;
  private final String fingerprint;
  private final Optional<KeyType> keyType;
  private final String keyDescription;
  private final byte[] subjectPublicKeyInfo;
  private final Instant notAfter;
  private final ImmutableList<String> path;
  private final String anchorSubject;
  private final String anchorFingerprint;

  TrustedSigner(String certificateId, Certificate leaf, ImmutableList<Certificate> cas) {
    this.certificateId = checkNotNull(certificateId);
    this.subject = leaf.subjectText();
    this.fingerprint = leaf.fingerprint().toString();
    this.keyType = PublicKeys.keyType(leaf.publicKey());
    this.keyDescription = PublicKeys.describe(leaf.publicKey());
    try {
      this.subjectPublicKeyInfo = leaf.publicKey().getEncoded();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.notAfter = leaf.notAfter();
    ImmutableList.Builder<String> p = ImmutableList.builder();
    cas.forEach(c -> p.add(c.subjectText()));
    this.path = p.build();
    Certificate anchor = cas.get(cas.size() - 1);
    this.anchorSubject = anchor.subjectText();
    this.anchorFingerprint = anchor.fingerprint().toString();
  }

  public String certificateId() {
    return certificateId;
  }

  /** The signing certificate's subject (RFC 4514 string). */
  public String subject() {
    return subject;
  }

  /** Lower-case hex SHA-256 of the signing certificate's DER. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The Glance key type the certificate's key can verify; empty if Glance has none for it. */
  public Optional<KeyType> keyType() {
    return keyType;
  }

  /** The key algorithm (and curve) for messages. */
  public String keyDescription() {
    return keyDescription;
  }

  /** The DER SubjectPublicKeyInfo of the signing key; a copy. */
  public byte[] subjectPublicKeyInfo() {
    return subjectPublicKeyInfo.clone();
  }

  public Instant notAfter() {
    return notAfter;
  }

  /** Subjects of the CAs from the issuer of the signing certificate up to the trust anchor. */
  public ImmutableList<String> path() {
    return path;
  }

  /** The self-signed trusted root the path ends at. */
  public String anchorSubject() {
    return anchorSubject;
  }

  /** Lower-case hex SHA-256 of the trust anchor's DER. */
  public String anchorFingerprint() {
    return anchorFingerprint;
  }
}
