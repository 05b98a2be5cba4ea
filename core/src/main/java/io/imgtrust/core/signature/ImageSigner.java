package io.imgtrust.core.signature;

import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.internal.crypto.PublicKeys;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.KeyType;
import io.imgtrust.core.metadata.SignatureProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.DSA;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.DSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.DSASigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * Signs an image digest the way Glance expects (for publishers and tests): RSA keys give RSA-PSS with MGF1 over the
 * same hash and the maximum salt length; DSA and EC keys give DER signatures with deterministic nonces (RFC 6979).
 * The key type follows from the key. Holds the private key; not for use on compute hosts.
 */
public final class ImageSigner {
  private final AsymmetricKeyParameter key;
  private final KeyType keyType;

  private ImageSigner(AsymmetricKeyParameter key, KeyType keyType) {
    this.key = key;
    this.keyType = keyType;
  }

  /**
   * Loads an unencrypted PEM private key (PKCS#8 or the traditional RSA/DSA/EC forms).
   *
   * @throws ImageTrustException {@code FILE_UNREADABLE}, or {@code MALFORMED_KEY} for a key that does not
   *     parse, is encrypted, or has no Glance key type
   */
  public static ImageSigner fromPem(Path pem) throws ImageTrustException {
    PrivateKeyInfo info = null;
    try (InputStream in = Files.newInputStream(pem);
        Reader r = new InputStreamReader(in, StandardCharsets.US_ASCII);
        PEMParser p = new PEMParser(r)) {
      for (Object o = p.readObject(); o != null && info == null; o = p.readObject()) {
        if (o instanceof PEMKeyPair) {
          info = ((PEMKeyPair) o).getPrivateKeyInfo();
        } else if (o instanceof PrivateKeyInfo) {
          info = (PrivateKeyInfo) o;
        }
      }
    } catch (IOException e) {
      throw IoErrors.unreadable("key " + pem, e);
    }
    if (info == null) {
      throw ImageTrustException.of(Reason.MALFORMED_KEY, pem + ": no unencrypted PEM private key in it");
    }
    AsymmetricKeyParameter key;
    try {
      key = PrivateKeyFactory.createKey(info);
    } catch (IOException | RuntimeException e) {
      throw ImageTrustException.wrap(Reason.MALFORMED_KEY, pem + ": key does not parse", e);
    }
    return new ImageSigner(key, keyTypeOf(info, key, pem));
  }

  private static KeyType keyTypeOf(PrivateKeyInfo info, AsymmetricKeyParameter key, Path pem)
      throws ImageTrustException {
    if (key instanceof RSAKeyParameters) {
      return KeyType.RSA_PSS;
    } else if (key instanceof DSAPrivateKeyParameters) {
      return KeyType.DSA;
    }
    var spki = new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), new byte[0]);
    return PublicKeys.keyType(spki).orElseThrow(() -> ImageTrustException.of(Reason.MALFORMED_KEY,
        pem + ": a " + PublicKeys.describe(spki) + " key has no Glance signature key type"));
  }

  /** The key type of this key. */
  public KeyType keyType() {
    return keyType;
  }

  /** Signs {@code digest}, the image's digest with {@code hash}; returns the four Glance properties. */
  public SignatureProperties sign(HashCode digest, HashAlgorithm hash, String certificateId) {
    byte[] d = digest.asBytes();
    byte[] sig;
    if (key instanceof RSAKeyParameters) {
      RSAKeyParameters rsa = (RSAKeyParameters) key;
      PSSSigner pss = PSSSigner.createRawSigner(new RSABlindedEngine(), Algorithms.bcDigest(hash),
          Algorithms.bcDigest(hash), Algorithms.maxPssSalt(rsa, hash), PSSSigner.TRAILER_IMPLICIT);
      pss.init(true, new ParametersWithRandom(rsa, new SecureRandom()));
      pss.update(d, 0, d.length);
      try {
        sig = pss.generateSignature();
      } catch (org.bouncycastle.crypto.CryptoException e) {
        throw new IllegalStateException("PSS signing failed", e);
      }
    } else if (key instanceof ECPrivateKeyParameters) {
      BigInteger n = ((ECPrivateKeyParameters) key).getParameters().getN();
      sig = dsaStyle(new ECDSASigner(new HMacDSAKCalculator(Algorithms.bcDigest(hash))), n, d);
    } else {
      BigInteger q = ((DSAPrivateKeyParameters) key).getParameters().getQ();
      sig = dsaStyle(new DSASigner(new HMacDSAKCalculator(Algorithms.bcDigest(hash))), q, d);
    }
    return SignatureProperties.create(sig, hash, keyType, certificateId);
  }

  private byte[] dsaStyle(DSA signer, BigInteger order, byte[] digest) {
    signer.init(true, key);
    BigInteger[] rs = signer.generateSignature(digest);
    try {
      return StandardDSAEncoding.INSTANCE.encode(order, rs[0], rs[1]);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding failed", e);
    }
  }
}
