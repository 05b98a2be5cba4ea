package io.imgtrust.core.trust;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;

/** A parsed X.509 certificate with the few facts trust decisions need. Immutable. */
final class Certificate {
  private final X509CertificateHolder holder;
  private final byte[] der;

  Certificate(X509CertificateHolder holder) {
    this.holder = holder;
    try {
      this.der = holder.getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  X509CertificateHolder holder() {
    return holder;
  }

  X500Name subject() {
    return holder.getSubject();
  }

  X500Name issuer() {
    return holder.getIssuer();
  }

  String subjectText() {
    return nameText(holder.getSubject());
  }

  /** A name as an RFC 4514 string with short attribute names. */
  static String nameText(X500Name name) {
    return X500Name.getInstance(BCStyle.INSTANCE, name).toString();
  }

  SubjectPublicKeyInfo publicKey() {
    return holder.getSubjectPublicKeyInfo();
  }

  /** SHA-256 over the DER encoding, the usual certificate fingerprint. */
  HashCode fingerprint() {
    return Hashing.sha256().hashBytes(der);
  }

  Instant notBefore() {
    return holder.getNotBefore().toInstant();
  }

  Instant notAfter() {
    return holder.getNotAfter().toInstant();
  }

  boolean isCa() {
    BasicConstraints bc = BasicConstraints.fromExtensions(extensions());
    return bc != null && bc.isCA();
  }

  /** The pathLenConstraint of a CA, or -1 when there is none. */
  int pathLen() {
    BasicConstraints bc = BasicConstraints.fromExtensions(extensions());
    return bc == null || bc.getPathLenConstraint() == null ? -1 : bc.getPathLenConstraint().intValueExact();
  }

  boolean canSignCertificates() {
    KeyUsage ku = KeyUsage.fromExtensions(extensions());
    return ku != null && ku.hasUsages(KeyUsage.keyCertSign);
  }

  boolean isSelfIssued() {
    return holder.getSubject().equals(holder.getIssuer());
  }

  private Extensions extensions() {
    Extensions e = holder.getExtensions();
    return e == null ? new Extensions(new org.bouncycastle.asn1.x509.Extension[0]) : e;
  }
}
