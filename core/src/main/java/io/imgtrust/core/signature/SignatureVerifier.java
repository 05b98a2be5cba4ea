package io.imgtrust.core.signature;

import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metadata.KeyType;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.trust.TrustedSigner;
import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.crypto.DSA;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.DSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.signers.DSASigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Verifies a Glance image signature over a digest of the image that was computed elsewhere (pre-hashed), with
 * cursive's semantics: RSA-PSS with MGF1 over the same hash and the maximum salt length; DSA and ECDSA with DER
 * encoded signatures. The key type in the metadata must be the type of the certificate's key.
 *
 * <p>Failure messages are terse on purpose and never echo signature bytes.
 */
public final class SignatureVerifier {
  private SignatureVerifier() {}

  /**
   * Checks {@code sig} over {@code digest}, the image's digest with {@code sig.hashMethod()}, with the key of
   * {@code signer}.
   *
   * @throws ImageTrustException {@code KEY_TYPE_MISMATCH} or {@code SIGNATURE_INVALID}
   */
  public static void verify(SignatureProperties sig, HashCode digest, TrustedSigner signer)
      throws ImageTrustException {
    KeyType expected = sig.keyType();
    if (signer.keyType().isEmpty() || signer.keyType().get() != expected) {
      throw ImageTrustException.of(Reason.KEY_TYPE_MISMATCH, "img_signature_key_type is "
          + expected.glanceName() + " but certificate " + signer.certificateId() + " has a "
          + signer.keyDescription() + " key");
    }
    if (digest.bits() != 8 * sig.hashMethod().length()) {
      throw new IllegalArgumentException("digest is not " + sig.hashMethod());
    }
    AsymmetricKeyParameter key;
    try {
      key = PublicKeyFactory.createKey(signer.subjectPublicKeyInfo());
    } catch (IOException | RuntimeException e) {
      throw ImageTrustException.wrap(Reason.MALFORMED_CERTIFICATE, "certificate key does not parse", e);
    }
    if (!verifies(sig, digest.asBytes(), key)) {
      throw ImageTrustException.of(Reason.SIGNATURE_INVALID, "signature does not verify");
    }
  }

  private static boolean verifies(SignatureProperties sig, byte[] digest, AsymmetricKeyParameter key) {
    try {
      if (key instanceof RSAKeyParameters) {
        return rsaPss(sig, digest, (RSAKeyParameters) key);
      } else if (key instanceof ECPublicKeyParameters) {
        ECPublicKeyParameters ec = (ECPublicKeyParameters) key;
        return dsaStyle(new ECDSASigner(), ec.getParameters().getN(), sig.signature(), digest, key);
      } else if (key instanceof DSAPublicKeyParameters) {
        DSAPublicKeyParameters dsa = (DSAPublicKeyParameters) key;
        return dsaStyle(new DSASigner(), dsa.getParameters().getQ(), sig.signature(), digest, key);
      }
      return false;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean rsaPss(SignatureProperties sig, byte[] digest, RSAKeyParameters key) {
    PSSSigner pss = PSSSigner.createRawSigner(new RSABlindedEngine(), Algorithms.bcDigest(sig.hashMethod()),
        Algorithms.bcDigest(sig.hashMethod()), Algorithms.maxPssSalt(key, sig.hashMethod()),
        PSSSigner.TRAILER_IMPLICIT);
    pss.init(false, key);
    pss.update(digest, 0, digest.length);
    return pss.verifySignature(sig.signature());
  }

  private static boolean dsaStyle(DSA signer, BigInteger order, byte[] der, byte[] digest,
      AsymmetricKeyParameter key) {
    BigInteger[] rs;
    try {
      rs = StandardDSAEncoding.INSTANCE.decode(order, der);
    } catch (IOException | RuntimeException e) {
      return false;
    }
    signer.init(false, key);
    return signer.verifySignature(digest, rs[0], rs[1]);
  }
}
