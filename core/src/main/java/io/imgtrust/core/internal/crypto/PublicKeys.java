package io.imgtrust.core.internal.crypto;

import io.imgtrust.core.metadata.KeyType;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Maps a public key (its SubjectPublicKeyInfo) to the Glance key type it can verify. */
public final class PublicKeys {
  private PublicKeys() {}

  /**
   * The key type of {@code spki}: RSA-PSS for RSA keys (rsaEncryption or RSASSA-PSS), DSA, or the ECC type of the
   * key's named curve. Empty for keys Glance cannot use (other curves, explicit curve parameters, other algorithms).
   */
  public static Optional<KeyType> keyType(SubjectPublicKeyInfo spki) {
    AlgorithmIdentifier alg = spki.getAlgorithm();
    ASN1ObjectIdentifier oid = alg.getAlgorithm();
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption) || oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
      return Optional.of(KeyType.RSA_PSS);
    }
    if (oid.equals(X9ObjectIdentifiers.id_dsa)) {
      return Optional.of(KeyType.DSA);
    }
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)
        && alg.getParameters() instanceof ASN1ObjectIdentifier) {
      String name = curveName((ASN1ObjectIdentifier) alg.getParameters());
      return name == null ? Optional.empty() : KeyType.forCurve(name);
    }
    return Optional.empty();
  }

  /** A short description of the key for messages, e.g. {@code EC secp256r1} or {@code RSA}. */
  public static String describe(SubjectPublicKeyInfo spki) {
    AlgorithmIdentifier alg = spki.getAlgorithm();
    if (alg.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
        && alg.getParameters() instanceof ASN1ObjectIdentifier) {
      String name = curveName((ASN1ObjectIdentifier) alg.getParameters());
      return "EC " + (name == null ? alg.getParameters() : name);
    }
    return keyType(spki).map(KeyType::glanceName).orElse(alg.getAlgorithm().getId());
  }

  /** The SEC 2 name of a curve (e.g. secp256r1, not prime256v1), or another registered name, or null. */
  private static String curveName(ASN1ObjectIdentifier oid) {
    String sec = SECNamedCurves.getName(oid);
    return sec != null ? sec : ECNamedCurveTable.getName(oid);
  }
}
