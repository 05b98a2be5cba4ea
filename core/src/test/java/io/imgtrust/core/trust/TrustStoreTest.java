package io.imgtrust.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metadata.KeyType;
import io.imgtrust.core.testing.TestPki;
import io.imgtrust.core.testing.TestPki.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustStoreTest {
  private static final Instant NOW = Instant.now();

  @TempDir Path dir;
  private Path certs;
  private Path trusted;
  private Issued root;
  private Issued intermediate;

  @BeforeEach
  void setUp() throws Exception {
    certs = Files.createDirectories(dir.resolve("certs"));
    trusted = Files.createDirectories(dir.resolve("trusted"));
    root = TestPki.cert("root").ca().build();
    intermediate = TestPki.cert("intermediate").issuer(root).key(TestPki.key(KeyType.ECC_SECP384R1)).ca()
        .pathLen(0).build();
    root.writePem(trusted.resolve("root.pem"));
    intermediate.writePem(trusted.resolve("intermediate.pem"));
  }

  private Issued leaf(Issued issuer) {
    return TestPki.cert("signer").issuer(issuer).keyUsage(KeyUsage.digitalSignature).build();
  }

  private TrustStore store() throws ImageTrustException {
    return TrustStore.load(certs, Optional.of(trusted), List.of());
  }

  private ImageTrustException refusal(String id) {
    return (ImageTrustException) org.assertj.core.api.Assertions.catchThrowable(() -> store().signer(id, NOW));
  }

  @Test
  void signer_chainThroughTrustedIntermediate_returnsPathAndAnchor() throws Exception {
    Issued leaf = leaf(intermediate);
    leaf.writePem(certs.resolve("abc.pem"));

    TrustedSigner s = store().signer("abc", NOW);

    assertThat(s.subject()).contains("CN=signer");
    assertThat(s.keyType()).contains(KeyType.RSA_PSS);
    assertThat(s.path()).containsExactly(intermediate.cert.getSubject().toString(),
        root.cert.getSubject().toString());
    assertThat(s.anchorSubject()).contains("CN=root");
    assertThat(s.fingerprint())
        .isEqualTo(com.google.common.hash.Hashing.sha256().hashBytes(leaf.cert.getEncoded()).toString());
  }

  @Test
  void signer_derFile_isFound() throws Exception {
    leaf(intermediate).writeDer(certs.resolve("abc.der"));

    assertThat(store().signer("abc", NOW).certificateId()).isEqualTo("abc");
  }

  @Test
  void signer_missingCertificate_certNotFound() {
    assertThat(refusal("nope").reason()).isEqualTo(Reason.CERT_NOT_FOUND);
  }

  @Test
  void signer_pathTraversalId_certNotFound() throws Exception {
    leaf(intermediate).writePem(dir.resolve("outside.pem"));

    assertThat(refusal("../outside").reason()).isEqualTo(Reason.CERT_NOT_FOUND);
  }

  @Test
  void signer_garbageCertificateFile_malformedCertificate() throws Exception {
    Files.writeString(certs.resolve("abc.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

    assertThat(refusal("abc").reason()).isEqualTo(Reason.MALFORMED_CERTIFICATE);
  }

  @Test
  void signer_emptyDerFile_malformedCertificate() throws Exception {
    Files.write(certs.resolve("abc.der"), new byte[] {0x30, 0x03, 0x02, 0x01});

    assertThat(refusal("abc").reason()).isEqualTo(Reason.MALFORMED_CERTIFICATE);
  }

  @Test
  void signer_expiredLeaf_certExpired() throws Exception {
    TestPki.cert("signer").issuer(intermediate).validity(NOW.minus(Duration.ofDays(10)), NOW.minusSeconds(60))
        .build().writePem(certs.resolve("abc.pem"));

    ImageTrustException e = refusal("abc");
    assertThat(e.reason()).isEqualTo(Reason.CERT_EXPIRED);
    assertThat(e.getMessage()).contains("signing certificate");
  }

  @Test
  void signer_notYetValidLeaf_certNotYetValid() throws Exception {
    TestPki.cert("signer").issuer(intermediate).validity(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(9)))
        .build().writePem(certs.resolve("abc.pem"));

    assertThat(refusal("abc").reason()).isEqualTo(Reason.CERT_NOT_YET_VALID);
  }

  @Test
  void signer_checkedLaterThanExpiry_certExpired() throws Exception {
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    assertThatThrownBy(() -> store().signer("abc", NOW.plus(Duration.ofDays(30))))
        .isInstanceOfSatisfying(ImageTrustException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CERT_EXPIRED));
  }

  @Test
  void signer_expiredIntermediate_certExpired() throws Exception {
    Issued old = TestPki.cert("old intermediate").issuer(root).ca()
        .validity(NOW.minus(Duration.ofDays(10)), NOW.minusSeconds(60)).build();
    old.writePem(trusted.resolve("old.pem"));
    TestPki.cert("signer").issuer(old).validity(NOW.minus(Duration.ofDays(5)), NOW.plus(Duration.ofDays(5)))
        .build().writePem(certs.resolve("abc.pem"));

    ImageTrustException e = refusal("abc");
    assertThat(e.reason()).isEqualTo(Reason.CERT_EXPIRED);
    assertThat(e.getMessage()).contains("CA certificate").contains("old intermediate");
  }

  @Test
  void signer_intermediateWithoutCaFlag_untrusted() throws Exception {
    Issued notCa = TestPki.cert("not a ca").issuer(root).basicConstraintsCa(false)
        .keyUsage(KeyUsage.keyCertSign).build();
    notCa.writePem(trusted.resolve("notca.pem"));
    leaf(notCa).writePem(certs.resolve("abc.pem"));

    ImageTrustException e = refusal("abc");
    assertThat(e.reason()).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(e.getMessage()).contains("CA=true");
  }

  @Test
  void signer_intermediateWithoutBasicConstraints_untrusted() throws Exception {
    Issued bare = TestPki.cert("bare").issuer(root).keyUsage(KeyUsage.keyCertSign).build();
    bare.writePem(trusted.resolve("bare.pem"));
    leaf(bare).writePem(certs.resolve("abc.pem"));

    assertThat(refusal("abc").reason()).isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void signer_intermediateWithoutKeyCertSign_untrusted() throws Exception {
    Issued noSign = TestPki.cert("no certsign").issuer(root).basicConstraintsCa(true)
        .keyUsage(KeyUsage.digitalSignature).build();
    noSign.writePem(trusted.resolve("nosign.pem"));
    leaf(noSign).writePem(certs.resolve("abc.pem"));

    ImageTrustException e = refusal("abc");
    assertThat(e.reason()).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(e.getMessage()).contains("keyCertSign");
  }

  @Test
  void signer_pathLenExceeded_untrusted() throws Exception {
    Issued strictRoot = TestPki.cert("strict root").ca().pathLen(0).build();
    Issued mid = TestPki.cert("mid").issuer(strictRoot).ca().build();
    strictRoot.writePem(trusted.resolve("strict.pem"));
    mid.writePem(trusted.resolve("mid.pem"));
    leaf(mid).writePem(certs.resolve("abc.pem"));

    ImageTrustException e = refusal("abc");
    assertThat(e.reason()).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(e.getMessage()).contains("pathLen 0");
  }

  @Test
  void signer_pathLenZeroIntermediateIssuingLeaf_accepted() throws Exception {
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    assertThat(store().signer("abc", NOW).path()).hasSize(2);
  }

  @Test
  void signer_rootNotTrusted_untrusted() throws Exception {
    Issued otherRoot = TestPki.cert("other root").ca().build();
    leaf(otherRoot).writePem(certs.resolve("abc.pem"));

    ImageTrustException e = refusal("abc");
    assertThat(e.reason()).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(e.getMessage()).contains("no trusted certificate issued");
  }

  @Test
  void signer_intermediateNotInTrustedSet_untrusted() throws Exception {
    Files.delete(trusted.resolve("intermediate.pem"));
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    assertThat(refusal("abc").reason()).isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void signer_impostorWithSameNameButOtherKey_untrusted() throws Exception {
    Issued impostor = TestPki.cert("intermediate").issuer(root).ca().build();
    Files.delete(trusted.resolve("intermediate.pem"));
    impostor.writePem(trusted.resolve("impostor.pem"));
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    assertThat(refusal("abc").reason()).isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void signer_genuineBesideImpostor_choosesGenuine() throws Exception {
    TestPki.cert("intermediate").issuer(root).ca().build().writePem(trusted.resolve("a-impostor.pem"));
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    assertThat(store().signer("abc", NOW).anchorSubject()).contains("CN=root");
  }

  @Test
  void signer_selfSignedNonCaLeafInTrustedSet_untrusted() throws Exception {
    Issued self = TestPki.cert("self").keyUsage(KeyUsage.digitalSignature).build();
    self.writePem(certs.resolve("abc.pem"));
    self.writePem(trusted.resolve("self.pem"));

    assertThat(refusal("abc").reason()).isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void signer_noTrustedCertificates_untrusted() throws Exception {
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    assertThatThrownBy(() -> TrustStore.load(certs, Optional.empty(), List.of()).signer("abc", NOW))
        .isInstanceOfSatisfying(ImageTrustException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CERT_UNTRUSTED));
  }

  @Test
  void load_garbageFileInTrustedDir_isSkipped() throws Exception {
    Files.writeString(trusted.resolve("junk.pem"), "not a certificate");
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    TrustStore store = store();

    assertThat(store.trustedCount()).isEqualTo(2);
    assertThat(store.signer("abc", NOW).anchorSubject()).contains("CN=root");
  }

  @Test
  void load_missingTrustedDir_isEmpty() throws Exception {
    assertThat(TrustStore.load(certs, Optional.of(dir.resolve("none")), List.of()).trustedCount()).isZero();
  }

  @Test
  void signer_trustedIdsFromCertificatesDir_anchorTheChain() throws Exception {
    Files.delete(trusted.resolve("root.pem"));
    Files.delete(trusted.resolve("intermediate.pem"));
    root.writePem(certs.resolve("root-id.pem"));
    intermediate.writeDer(certs.resolve("int-id.der"));
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    TrustStore store = TrustStore.load(certs, Optional.of(trusted), List.of("root-id", "int-id", "missing-id"));

    assertThat(store.trustedCount()).isEqualTo(2);
    assertThat(store.signer("abc", NOW).path()).hasSize(2);
  }

  @Test
  void signer_pemBundleWithRootAndIntermediate_chains() throws Exception {
    Files.delete(trusted.resolve("root.pem"));
    Files.delete(trusted.resolve("intermediate.pem"));
    Path bundle = trusted.resolve("bundle.pem");
    root.writePem(dir.resolve("r.pem"));
    intermediate.writePem(dir.resolve("i.pem"));
    Files.writeString(bundle, Files.readString(dir.resolve("i.pem")) + Files.readString(dir.resolve("r.pem")));
    leaf(intermediate).writePem(certs.resolve("abc.pem"));

    assertThat(store().signer("abc", NOW).path()).hasSize(2);
  }

  @Test
  void signer_binaryCurveAndDsaCas_verifyLinks() throws Exception {
    Issued sectCa = TestPki.cert("sect ca").issuer(root).key(TestPki.key(KeyType.ECC_SECT571K1)).ca().build();
    Issued dsaCa = TestPki.cert("dsa ca").issuer(sectCa).key(TestPki.key(KeyType.DSA)).ca().build();
    sectCa.writePem(trusted.resolve("sect.pem"));
    dsaCa.writePem(trusted.resolve("dsa.pem"));
    TestPki.cert("signer").issuer(dsaCa).key(TestPki.key(KeyType.ECC_SECT409R1)).build()
        .writePem(certs.resolve("abc.pem"));

    TrustedSigner s = store().signer("abc", NOW);

    assertThat(s.path()).hasSize(3);
    assertThat(s.keyType()).contains(KeyType.ECC_SECT409R1);
  }

  @Test
  void signer_p256Key_hasNoGlanceKeyType() throws Exception {
    TestPki.cert("signer").issuer(intermediate).key(TestPki.p256Key()).build().writePem(certs.resolve("abc.pem"));

    TrustedSigner s = store().signer("abc", NOW);

    assertThat(s.keyType()).isEmpty();
    assertThat(s.keyDescription()).isEqualTo("EC secp256r1");
  }
}
