package io.imgtrust.core.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.KeyType;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.testing.TestPki;
import io.imgtrust.core.trust.TrustStore;
import io.imgtrust.core.trust.TrustedSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SignatureVerifierTest {
  private static final byte[] IMAGE = new byte[100_003];
  private static final Map<KeyType, TrustedSigner> SIGNERS = new EnumMap<>(KeyType.class);
  private static TrustedSigner p256Signer;

  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    new Random(7).nextBytes(IMAGE);
    Path certs = Files.createDirectories(dir.resolve("certs"));
    Path trusted = Files.createDirectories(dir.resolve("trusted"));
    TestPki.Issued root = TestPki.cert("root").ca().build();
    root.writePem(trusted.resolve("root.pem"));
    for (KeyType t : KeyType.values()) {
      TestPki.cert("signer " + t).issuer(root).key(TestPki.key(t)).build().writePem(certs.resolve(t + ".pem"));
    }
    TestPki.cert("p256").issuer(root).key(TestPki.p256Key()).build().writePem(certs.resolve("p256.pem"));
    TrustStore store = TrustStore.load(certs, Optional.of(trusted), List.of());
    for (KeyType t : KeyType.values()) {
      SIGNERS.put(t, store.signer(t.name(), Instant.now()));
    }
    p256Signer = store.signer("p256", Instant.now());
  }

  static Stream<Arguments> everyKeyTypeAndHash() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (KeyType k : KeyType.values()) {
      for (HashAlgorithm h : List.of(HashAlgorithm.SHA224, HashAlgorithm.SHA256, HashAlgorithm.SHA384,
          HashAlgorithm.SHA512)) {
        b.add(Arguments.of(k, h));
      }
    }
    return b.build();
  }

  private static HashCode digest(HashAlgorithm h, byte[] data) {
    return HashCode.fromBytes(h.newDigest().digest(data));
  }

  /** A signature over {@code data} made with the JCA, as cursive/openssl would make it. */
  static byte[] jcaSign(KeyType type, HashAlgorithm h, KeyPair key, byte[] data) throws Exception {
    String md = h.signatureName().orElseThrow();
    String bare = md.replace("-", "");
    Signature s;
    if (type == KeyType.RSA_PSS) {
      s = Signature.getInstance("RSASSA-PSS");
      int modBits = ((RSAPublicKey) key.getPublic()).getModulus().bitLength();
      int salt = (modBits - 1 + 7) / 8 - h.length() - 2;
      s.setParameter(new PSSParameterSpec(md, "MGF1", new MGF1ParameterSpec(md), salt, 1));
    } else if (type == KeyType.DSA) {
      s = Signature.getInstance(bare + "withDSA", TestPki.BC);
    } else {
      s = Signature.getInstance(bare + "withECDSA", TestPki.BC);
    }
    s.initSign(key.getPrivate());
    s.update(data);
    return s.sign();
  }

  private static SignatureProperties props(byte[] sig, HashAlgorithm h, KeyType t) {
    return SignatureProperties.create(sig, h, t, t.name());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("everyKeyTypeAndHash")
  void verify_jcaSignature_accepted(KeyType type, HashAlgorithm h) throws Exception {
    byte[] sig = jcaSign(type, h, TestPki.key(type), IMAGE);

    SignatureVerifier.verify(props(sig, h, type), digest(h, IMAGE), SIGNERS.get(type));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("everyKeyTypeAndHash")
  void verify_imageSignerSignature_accepted(KeyType type, HashAlgorithm h) throws Exception {
    Path pem = dir.resolve("key-" + type + ".pem");
    TestPki.writePem(pem, TestPki.key(type).getPrivate());
    ImageSigner signer = ImageSigner.fromPem(pem);

    SignatureProperties p = signer.sign(digest(h, IMAGE), h, type.name());

    assertThat(signer.keyType()).isEqualTo(type);
    SignatureVerifier.verify(p, digest(h, IMAGE), SIGNERS.get(type));
    assertThat(jcaVerify(type, h, p.signature())).isTrue();
  }

  private static boolean jcaVerify(KeyType type, HashAlgorithm h, byte[] sig) throws Exception {
    String md = h.signatureName().orElseThrow();
    Signature s;
    if (type == KeyType.RSA_PSS) {
      s = Signature.getInstance("RSASSA-PSS");
      int modBits = ((RSAPublicKey) TestPki.key(type).getPublic()).getModulus().bitLength();
      s.setParameter(new PSSParameterSpec(md, "MGF1", new MGF1ParameterSpec(md),
          (modBits - 1 + 7) / 8 - h.length() - 2, 1));
    } else {
      s = Signature.getInstance(md.replace("-", "") + (type == KeyType.DSA ? "withDSA" : "withECDSA"), TestPki.BC);
    }
    s.initVerify(TestPki.key(type).getPublic());
    s.update(IMAGE);
    return s.verify(sig);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void verify_flippedImageByte_signatureInvalid(KeyType type) throws Exception {
    byte[] sig = jcaSign(type, HashAlgorithm.SHA256, TestPki.key(type), IMAGE);
    byte[] tampered = IMAGE.clone();
    tampered[4242] ^= 1;

    assertRefused(props(sig, HashAlgorithm.SHA256, type), digest(HashAlgorithm.SHA256, tampered),
        SIGNERS.get(type), Reason.SIGNATURE_INVALID);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void verify_signatureByAnotherKey_signatureInvalid(KeyType type) throws Exception {
    byte[] sig = jcaSign(type, HashAlgorithm.SHA384, TestPki.freshKey(type), IMAGE);

    assertRefused(props(sig, HashAlgorithm.SHA384, type), digest(HashAlgorithm.SHA384, IMAGE),
        SIGNERS.get(type), Reason.SIGNATURE_INVALID);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void verify_signedWithOtherHashMethod_signatureInvalid(KeyType type) throws Exception {
    byte[] sig = jcaSign(type, HashAlgorithm.SHA512, TestPki.key(type), IMAGE);

    assertRefused(props(sig, HashAlgorithm.SHA256, type), digest(HashAlgorithm.SHA256, IMAGE),
        SIGNERS.get(type), Reason.SIGNATURE_INVALID);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void verify_garbageSignatureBytes_signatureInvalid(KeyType type) {
    byte[] junk = new byte[96];
    new Random(1).nextBytes(junk);

    assertRefused(props(junk, HashAlgorithm.SHA256, type), digest(HashAlgorithm.SHA256, IMAGE),
        SIGNERS.get(type), Reason.SIGNATURE_INVALID);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"DSA", "ECC_SECP384R1", "ECC_SECT571R1"})
  void verify_derWithTrailingBytes_signatureInvalid(KeyType type) throws Exception {
    byte[] sig = jcaSign(type, HashAlgorithm.SHA256, TestPki.key(type), IMAGE);
    byte[] longer = java.util.Arrays.copyOf(sig, sig.length + 1);

    assertRefused(props(longer, HashAlgorithm.SHA256, type), digest(HashAlgorithm.SHA256, IMAGE),
        SIGNERS.get(type), Reason.SIGNATURE_INVALID);
  }

  @Test
  void verify_pssWithDigestLengthSalt_signatureInvalid() throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    s.initSign(TestPki.key(KeyType.RSA_PSS).getPrivate());
    s.update(IMAGE);

    assertRefused(props(s.sign(), HashAlgorithm.SHA256, KeyType.RSA_PSS), digest(HashAlgorithm.SHA256, IMAGE),
        SIGNERS.get(KeyType.RSA_PSS), Reason.SIGNATURE_INVALID);
  }

  @Test
  void verify_truncatedRsaSignature_signatureInvalid() throws Exception {
    byte[] sig = jcaSign(KeyType.RSA_PSS, HashAlgorithm.SHA256, TestPki.key(KeyType.RSA_PSS), IMAGE);

    assertRefused(props(java.util.Arrays.copyOf(sig, sig.length - 1), HashAlgorithm.SHA256, KeyType.RSA_PSS),
        digest(HashAlgorithm.SHA256, IMAGE), SIGNERS.get(KeyType.RSA_PSS), Reason.SIGNATURE_INVALID);
  }

  @Test
  void verify_eccTypeForRsaCertificate_keyTypeMismatch() throws Exception {
    byte[] sig = jcaSign(KeyType.RSA_PSS, HashAlgorithm.SHA256, TestPki.key(KeyType.RSA_PSS), IMAGE);

    assertRefused(props(sig, HashAlgorithm.SHA256, KeyType.ECC_SECP384R1), digest(HashAlgorithm.SHA256, IMAGE),
        SIGNERS.get(KeyType.RSA_PSS), Reason.KEY_TYPE_MISMATCH);
  }

  @Test
  void verify_otherCurveThanCertificate_keyTypeMismatch() throws Exception {
    byte[] sig = jcaSign(KeyType.ECC_SECP384R1, HashAlgorithm.SHA256, TestPki.key(KeyType.ECC_SECP384R1), IMAGE);

    assertRefused(props(sig, HashAlgorithm.SHA256, KeyType.ECC_SECP521R1), digest(HashAlgorithm.SHA256, IMAGE),
        SIGNERS.get(KeyType.ECC_SECP384R1), Reason.KEY_TYPE_MISMATCH);
  }

  @Test
  void verify_dsaTypeForEcCertificate_keyTypeMismatch() throws Exception {
    byte[] sig = jcaSign(KeyType.DSA, HashAlgorithm.SHA256, TestPki.key(KeyType.DSA), IMAGE);

    assertRefused(props(sig, HashAlgorithm.SHA256, KeyType.DSA), digest(HashAlgorithm.SHA256, IMAGE),
        SIGNERS.get(KeyType.ECC_SECT409K1), Reason.KEY_TYPE_MISMATCH);
  }

  @Test
  void verify_certificateOnCurveGlanceLacks_keyTypeMismatch() {
    assertRefused(props(new byte[64], HashAlgorithm.SHA256, KeyType.ECC_SECP384R1),
        digest(HashAlgorithm.SHA256, IMAGE), p256Signer, Reason.KEY_TYPE_MISMATCH);
  }

  @Test
  void fromPem_encryptedOrMissingKey_typedErrors() throws Exception {
    Path notAKey = dir.resolve("cert-only.pem");
    Files.writeString(notAKey, Files.readString(dir.resolve("certs").resolve("DSA.pem")));

    assertThatThrownBy(() -> ImageSigner.fromPem(notAKey)).isInstanceOfSatisfying(ImageTrustException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_KEY));
    assertThatThrownBy(() -> ImageSigner.fromPem(dir.resolve("absent.pem")))
        .isInstanceOfSatisfying(ImageTrustException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.FILE_UNREADABLE));
  }

  @Test
  void fromPem_ecParametersBlockBeforeKey_loadsKey() throws Exception {
    Path pem = dir.resolve("with-params.pem");
    TestPki.writePem(pem, TestPki.key(KeyType.ECC_SECT409R1).getPrivate());
    Files.writeString(pem, "-----BEGIN EC PARAMETERS-----\nBgUrgQQAJQ==\n-----END EC PARAMETERS-----\n"
        + Files.readString(pem));

    assertThat(ImageSigner.fromPem(pem).keyType()).isEqualTo(KeyType.ECC_SECT409R1);
  }

  @Test
  void fromPem_p256Key_noGlanceKeyType() {
    Path pem = dir.resolve("p256-key.pem");
    TestPki.writePem(pem, TestPki.p256Key().getPrivate());

    assertThatThrownBy(() -> ImageSigner.fromPem(pem)).isInstanceOfSatisfying(ImageTrustException.class,
        e -> assertThat(e.getMessage()).contains("secp256r1"));
  }

  private static void assertRefused(SignatureProperties p, HashCode d, TrustedSigner s, Reason reason) {
    assertThatThrownBy(() -> SignatureVerifier.verify(p, d, s)).isInstanceOfSatisfying(ImageTrustException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
