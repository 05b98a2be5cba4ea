package io.imgtrust.core.metadata;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.io.BaseEncoding;

/**
 * The four {@code img_signature*} properties of a Glance image, decoded. Immutable.
 *
 * <p>The signature covers the raw image bytes, hashed with {@link #hashMethod()}.
 */
public final class SignatureProperties {
  private final byte[] signature;
  private final HashAlgorithm hashMethod;
  private final KeyType keyType;
  private final String certificateId;

  private SignatureProperties(byte[] signature, HashAlgorithm hashMethod, KeyType keyType, String certificateId) {
    this.signature = signature.clone();
    this.hashMethod = checkNotNull(hashMethod);
    this.keyType = checkNotNull(keyType);
    this.certificateId = checkNotNull(certificateId);
  }

  /** Properties from decoded values; {@code hashMethod} must not be MD5. */
  public static SignatureProperties create(
      byte[] signature, HashAlgorithm hashMethod, KeyType keyType, String certificateId) {
    if (hashMethod == HashAlgorithm.MD5) {
      throw new IllegalArgumentException("MD5 is not a signature hash method");
    }
    return new SignatureProperties(signature, hashMethod, keyType, certificateId);
  }

  /** The signature bytes (decoded from {@code img_signature}); a copy. */
  public byte[] signature() {
    return signature.clone();
  }

  /** {@code img_signature} as Glance stores it: standard base64. */
  public String signatureBase64() {
    return BaseEncoding.base64().encode(signature);
  }

  public HashAlgorithm hashMethod() {
    return hashMethod;
  }

  public KeyType keyType() {
    return keyType;
  }

  /** {@code img_signature_certificate_uuid}: the id under which the signing certificate is found. */
  public String certificateId() {
    return certificateId;
  }
}
