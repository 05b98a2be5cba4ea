package io.imgtrust.core.trust;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcDSAContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcRSAContentVerifierProviderBuilder;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Validates a signing certificate the way cursive does: the certificate must be in date, and a chain built by
 * issuer name and signature must lead through trusted certificates to a self-signed trusted root. Every CA on the
 * chain must be in date, have basicConstraints CA=true and keyUsage keyCertSign, and respect its pathLen. Being
 * trusted never excuses a CA from these checks.
 */
final class ChainValidator {
  /** Longest chain accepted, counting CAs above the signing certificate. */
  static final int MAX_DEPTH = 8;

  private final ImmutableList<Certificate> trusted;

  ChainValidator(ImmutableList<Certificate> trusted) {
    this.trusted = trusted;
  }

  /** The CAs from the leaf's issuer up to the trusted root, or the reason there is no such chain. */
  ImmutableList<Certificate> validate(Certificate leaf, Instant now) throws ImageTrustException {
    checkDates(leaf, "signing certificate", now);
    List<Certificate> path = new ArrayList<>();
    Certificate current = leaf;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      Certificate issuer = findIssuer(current, depth, now);
      if (path.contains(issuer) && !issuer.isSelfIssued()) {
        throw untrusted("certificate chain of " + leaf.subjectText() + " loops at " + issuer.subjectText());
      }
      path.add(issuer);
      if (issuer.isSelfIssued() && signedBy(issuer, issuer)) {
        return ImmutableList.copyOf(path);
      }
      current = issuer;
    }
    throw untrusted("certificate chain of " + leaf.subjectText() + " is longer than " + MAX_DEPTH);
  }

  private Certificate findIssuer(Certificate cert, int depth, Instant now) throws ImageTrustException {
    ImageTrustException firstProblem = null;
    for (Certificate candidate : trusted) {
      if (!candidate.subject().equals(cert.issuer()) || !signedBy(cert, candidate)) {
        continue;
      }
      ImageTrustException problem = caProblem(candidate, depth, now);
      if (problem == null) {
        return candidate;
      }
      firstProblem = firstProblem == null ? problem : firstProblem;
    }
    if (firstProblem != null) {
      throw firstProblem;
    }
    throw untrusted("no trusted certificate issued " + cert.subjectText() + " (issuer "
        + Certificate.nameText(cert.issuer()) + ")");
  }

  private static ImageTrustException caProblem(Certificate ca, int depth, Instant now) {
    try {
      checkDates(ca, "CA certificate", now);
    } catch (ImageTrustException e) {
      return e;
    }
    if (!ca.isCa()) {
      return untrusted("CA certificate " + ca.subjectText() + " lacks basicConstraints CA=true");
    }
    if (!ca.canSignCertificates()) {
      return untrusted("CA certificate " + ca.subjectText() + " lacks keyUsage keyCertSign");
    }
    if (ca.pathLen() >= 0 && depth > ca.pathLen()) {
      return untrusted("CA certificate " + ca.subjectText() + " has pathLen " + ca.pathLen() + " but "
          + depth + " CA(s) below it");
    }
    return null;
  }

  private static void checkDates(Certificate c, String role, Instant now) throws ImageTrustException {
    if (now.isAfter(c.notAfter())) {
      throw ImageTrustException.of(Reason.CERT_EXPIRED,
          role + " " + c.subjectText() + " expired at " + c.notAfter());
    }
    if (now.isBefore(c.notBefore())) {
      throw ImageTrustException.of(Reason.CERT_NOT_YET_VALID,
          role + " " + c.subjectText() + " is not valid before " + c.notBefore());
    }
  }

  /** Whether {@code issuer}'s key verifies {@code cert}'s signature. */
  static boolean signedBy(Certificate cert, Certificate issuer) {
    try {
      return cert.holder().isSignatureValid(verifierFor(issuer.publicKey()));
    } catch (Exception e) {
      return false;
    }
  }

  private static ContentVerifierProvider verifierFor(SubjectPublicKeyInfo spki) throws Exception {
    var oid = spki.getAlgorithm().getAlgorithm();
    var digests = new DefaultDigestAlgorithmIdentifierFinder();
    var key = PublicKeyFactory.createKey(spki);
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      return new BcRSAContentVerifierProviderBuilder(digests).build(key);
    } else if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      return new BcECContentVerifierProviderBuilder(digests).build(key);
    } else if (oid.equals(X9ObjectIdentifiers.id_dsa)) {
      return new BcDSAContentVerifierProviderBuilder(digests).build(key);
    }
    throw new IllegalArgumentException("unsupported issuer key " + oid);
  }

  private static ImageTrustException untrusted(String message) {
    return ImageTrustException.of(Reason.CERT_UNTRUSTED, message);
  }
}
