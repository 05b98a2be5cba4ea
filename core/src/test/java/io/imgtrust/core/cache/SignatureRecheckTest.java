package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.metadata.KeyType;
import io.imgtrust.core.signature.ImageSigner;
import io.imgtrust.core.testing.CacheFixture;
import io.imgtrust.core.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureRecheckTest {
  @TempDir Path root;
  private CacheFixture fx;
  private byte[] image;
  private ImageMetadata meta;

  @BeforeEach
  void setUp() throws Exception {
    fx = CacheFixture.create(root, "recheck_signature = true");
    Path certs = Files.createDirectories(root.resolve("certs"));
    Path trusted = Files.createDirectories(root.resolve("trusted"));
    TestPki.Issued ca = TestPki.cert("ca").ca().build();
    ca.writePem(trusted.resolve("ca.pem"));
    TestPki.Issued leaf = TestPki.cert("signer").issuer(ca).key(TestPki.key(KeyType.ECC_SECP384R1)).build();
    leaf.writePem(certs.resolve("c1.pem"));
    leaf.writeKeyPem(root.resolve("key.pem"));
    image = CacheFixture.randomImage(5 << 20, 4);
    HashCode digest = HashCode.fromBytes(HashAlgorithm.SHA384.newDigest().digest(image));
    meta = ImageMetadata.builder().id("signed-1").diskFormat("raw").size(image.length)
        .signature(ImageSigner.fromPem(root.resolve("key.pem")).sign(digest, HashAlgorithm.SHA384, "c1")).build();
    Files.write(root.resolve("dl"), image);
    fx.cache.add(root.resolve("dl"), meta);
  }

  @Test
  void verify_signedOriginalBytes_signatureRecheckedAndPasses() throws Exception {
    assertThat(fx.cache.verify("signed-1").ok()).isTrue();
    assertThat(SignatureRecheck.applies(fx.cache.entry("signed-1").record())).isTrue();
  }

  @Test
  void verify_trustedCaRemovedSinceFill_refusedCertUntrustedAndQuarantined() throws Exception {
    Files.delete(root.resolve("trusted/ca.pem"));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> fx.cache.verify("signed-1"));

    assertThat(e.reason()).isEqualTo(Reason.CERT_UNTRUSTED);
    assertThat(fx.cache.quarantined()).hasSize(1);
  }

  @Test
  void verify_recheckSignatureOff_doesNotNeedTheCertificate() throws Exception {
    CacheFixture plain = CacheFixture.create(root.resolve("plain"), "");
    Files.write(root.resolve("dl2"), image);
    Files.createDirectories(root.resolve("plain/certs"));
    Files.copy(root.resolve("certs/c1.pem"), root.resolve("plain/certs/c1.pem"));
    Files.createDirectories(root.resolve("plain/trusted"));
    Files.copy(root.resolve("trusted/ca.pem"), root.resolve("plain/trusted/ca.pem"));
    plain.cache.add(root.resolve("dl2"), meta);
    Files.delete(root.resolve("plain/trusted/ca.pem"));

    assertThat(plain.cache.verify("signed-1").ok()).isTrue();
  }
}
