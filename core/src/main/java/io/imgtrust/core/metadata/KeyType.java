package io.imgtrust.core.metadata;

import java.util.Optional;

/**
 * The signature key types of {@code img_signature_key_type}, with Glance/cursive semantics.
 *
 * <p>RSA-PSS uses MGF1 with the signature's hash and the maximum salt length; DSA and the ECC types carry DER
 * encoded (r, s) signatures. Each ECC type names exactly one named curve; a certificate key on another curve does
 * not match.
 */
public enum KeyType {
  RSA_PSS("RSA-PSS", null),
  DSA("DSA", null),
  ECC_SECP384R1("ECC_SECP384R1", "secp384r1"),
  ECC_SECP521R1("ECC_SECP521R1", "secp521r1"),
  ECC_SECT409K1("ECC_SECT409K1", "sect409k1"),
  ECC_SECT409R1("ECC_SECT409R1", "sect409r1"),
  ECC_SECT571K1("ECC_SECT571K1", "sect571k1"),
  ECC_SECT571R1("ECC_SECT571R1", "sect571r1");

  private final String glanceName;
  private final String curve;

  KeyType(String glanceName, String curve) {
    this.glanceName = glanceName;
    this.curve = curve;
  }

  /** The name as Glance writes it. */
  public String glanceName() {
    return glanceName;
  }

  /** The named curve of an ECC type (SEC 2 name, e.g. {@code secp384r1}); empty for RSA-PSS and DSA. */
  public Optional<String> curve() {
    return Optional.ofNullable(curve);
  }

  /** The key type Glance calls {@code name}. */
  public static Optional<KeyType> forGlanceName(String name) {
    for (KeyType k : values()) {
      if (k.glanceName.equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The ECC key type for a curve name, if Glance has one. */
  public static Optional<KeyType> forCurve(String curveName) {
    for (KeyType k : values()) {
      if (curveName.equals(k.curve)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
