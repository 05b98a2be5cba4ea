package io.imgtrust.core.metadata;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The hash algorithms Glance metadata can name.
 *
 * <p>{@link #MD5} exists only for the legacy {@code checksum} field; it is never a multihash or signature hash.
 * Every algorithm is computed with the JDK's {@link MessageDigest}.
 */
public enum HashAlgorithm {
  MD5("md5", null, "MD5", 16),
  SHA224("sha224", "SHA-224", "SHA-224", 28),
  SHA256("sha256", "SHA-256", "SHA-256", 32),
  SHA384("sha384", "SHA-384", "SHA-384", 48),
  SHA512("sha512", "SHA-512", "SHA-512", 64);

  private final String glanceName;
  private final String signatureName;
  private final String jdkName;
  private final int length;

  HashAlgorithm(String glanceName, String signatureName, String jdkName, int length) {
    this.glanceName = glanceName;
    this.signatureName = signatureName;
    this.jdkName = jdkName;
    this.length = length;
  }

  /** The name as in {@code os_hash_algo}, e.g. {@code sha512}. */
  public String glanceName() {
    return glanceName;
  }

  /** The name as in {@code img_signature_hash_method}, e.g. {@code SHA-256}; empty for MD5. */
  public Optional<String> signatureName() {
    return Optional.ofNullable(signatureName);
  }

  /** Digest length in bytes. */
  public int length() {
    return length;
  }

  /** A fresh JDK digest for this algorithm. */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jdkName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK lacks " + jdkName, e);
    }
  }

  /** The algorithm named {@code name} in {@code os_hash_algo} (not MD5: Glance never uses it as multihash). */
  public static Optional<HashAlgorithm> forMultihash(String name) {
    for (HashAlgorithm a : values()) {
      if (a != MD5 && a.glanceName.equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** The algorithm named {@code name} in {@code img_signature_hash_method}. */
  public static Optional<HashAlgorithm> forSignature(String name) {
    for (HashAlgorithm a : values()) {
      if (name.equals(a.signatureName)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
