package io.imgtrust.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.metadata.KeyType;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.signature.ImageSigner;
import io.imgtrust.core.testing.TestPki;
import io.imgtrust.core.trust.TrustStore;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageVerifierTest {
  private static final int SIZE = 9 * 1024 * 1024 + 17;

  @TempDir Path dir;
  private Path image;
  private byte[] bytes;
  private Path certs;
  private Path trusted;

  @BeforeEach
  void setUp() throws Exception {
    bytes = new byte[SIZE];
    new Random(3).nextBytes(bytes);
    image = dir.resolve("image.raw");
    Files.write(image, bytes);
    certs = Files.createDirectories(dir.resolve("certs"));
    trusted = Files.createDirectories(dir.resolve("trusted"));
    TestPki.Issued root = TestPki.cert("root").ca().build();
    root.writePem(trusted.resolve("root.pem"));
    TestPki.Issued leaf = TestPki.cert("signer").issuer(root).key(TestPki.key(KeyType.ECC_SECP384R1)).build();
    leaf.writePem(certs.resolve("cert-1.pem"));
    leaf.writeKeyPem(dir.resolve("key.pem"));
  }

  private ImageVerifier verifier(boolean requireSignature) {
    return ImageVerifier.create(requireSignature,
        () -> TrustStore.load(certs, Optional.of(trusted), List.of()), ImageDigester.create(), Clock.systemUTC());
  }

  private byte[] hash(HashAlgorithm a) {
    return a.newDigest().digest(bytes);
  }

  private SignatureProperties sign(HashAlgorithm h) throws Exception {
    return ImageSigner.fromPem(dir.resolve("key.pem")).sign(HashCode.fromBytes(hash(h)), h, "cert-1");
  }

  private ImageMetadata.Builder meta() {
    return ImageMetadata.builder().id("img-1").diskFormat("raw").size(SIZE);
  }

  private ImageMetadata full() throws Exception {
    return meta()
        .checksum(ImageMetadata.Digest.of(HashAlgorithm.MD5, hash(HashAlgorithm.MD5)))
        .multihash(ImageMetadata.Digest.of(HashAlgorithm.SHA512, hash(HashAlgorithm.SHA512)))
        .signature(sign(HashAlgorithm.SHA256)).build();
  }

  private void flipByte(long offset) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x80);
    }
  }

  private ImageTrustException refusal(ImageVerifier v, ImageMetadata m) {
    return catchThrowableOfType(ImageTrustException.class, () -> v.verify(image, m));
  }

  @Test
  void verify_signedImageWithMultihash_reportsDigestSignatureAndBytes() throws Exception {
    VerificationReport r = verifier(true).verify(image, full());

    assertThat(r.bytesHashed()).isEqualTo(SIZE);
    assertThat(r.digestChecks()).singleElement().satisfies(d -> {
      assertThat(d.algorithm()).isEqualTo(HashAlgorithm.SHA512);
      assertThat(d.field()).isEqualTo("os_hash_value");
      assertThat(d.value()).isEqualTo(HashCode.fromBytes(hash(HashAlgorithm.SHA512)).toString());
    });
    assertThat(r.signature()).hasValueSatisfying(s -> {
      assertThat(s.properties().keyType()).isEqualTo(KeyType.ECC_SECP384R1);
      assertThat(s.signer().anchorSubject()).contains("CN=root");
    });
  }

  @Test
  void verify_multihashPresent_md5NotComputed() throws Exception {
    VerificationReport r = verifier(false).verify(image, full());

    assertThat(r.digests().whole(HashAlgorithm.MD5)).isEmpty();
  }

  @Test
  void verify_checksumOnly_checksMd5() throws Exception {
    ImageMetadata m = meta().checksum(ImageMetadata.Digest.of(HashAlgorithm.MD5, hash(HashAlgorithm.MD5))).build();

    VerificationReport r = verifier(false).verify(image, m);

    assertThat(r.digestChecks()).extracting(VerificationReport.DigestCheck::field).containsExactly("checksum");
    assertThat(r.signature()).isEmpty();
  }

  @Test
  void verify_flippedByte_digestMismatchWithBothValues() throws Exception {
    flipByte(SIZE - 1);

    ImageTrustException e = refusal(verifier(true), full());

    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(e.details()).containsEntry("algorithm", "sha512").containsEntry("field", "os_hash_value")
        .containsKeys("expected", "actual");
  }

  @Test
  void verify_flippedByteSignatureOnly_signatureInvalid() throws Exception {
    ImageMetadata m = meta().signature(sign(HashAlgorithm.SHA384)).build();
    flipByte(4 * 1024 * 1024);

    assertThat(refusal(verifier(true), m).reason()).isEqualTo(Reason.SIGNATURE_INVALID);
  }

  @Test
  void verify_flippedMd5Checksum_digestMismatch() throws Exception {
    ImageMetadata m = meta().checksum(ImageMetadata.Digest.of(HashAlgorithm.MD5, hash(HashAlgorithm.MD5))).build();
    flipByte(0);

    assertThat(refusal(verifier(false), m).reason()).isEqualTo(Reason.DIGEST_MISMATCH);
  }

  @Test
  void verify_truncatedFile_sizeMismatch() throws Exception {
    ImageMetadata m = full();
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(SIZE - 1);
    }

    ImageTrustException e = refusal(verifier(true), m);

    assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH);
    assertThat(e.details()).containsEntry("expected", (long) SIZE).containsEntry("actual", (long) SIZE - 1);
  }

  @Test
  void verify_appendedByte_sizeMismatch() throws Exception {
    ImageMetadata m = full();
    Files.write(image, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);

    assertThat(refusal(verifier(true), m).reason()).isEqualTo(Reason.SIZE_MISMATCH);
  }

  @Test
  void verify_unsignedWhileRequired_signatureMissing() throws Exception {
    ImageMetadata m = meta().multihash(ImageMetadata.Digest.of(HashAlgorithm.SHA512, hash(HashAlgorithm.SHA512)))
        .build();

    assertThat(refusal(verifier(true), m).reason()).isEqualTo(Reason.SIGNATURE_MISSING);
    assertThat(verifier(false).verify(image, m).signature()).isEmpty();
  }

  @Test
  void verify_noDigestNoSignature_unverifiable() {
    assertThat(refusal(verifier(false), meta().build()).reason()).isEqualTo(Reason.UNVERIFIABLE);
  }

  @Test
  void verify_signedButNotRequired_stillChecksSignature() throws Exception {
    SignatureProperties other = SignatureProperties.create(new byte[104], HashAlgorithm.SHA256,
        KeyType.ECC_SECP384R1, "cert-1");

    assertThat(refusal(verifier(false), meta().signature(other).build()).reason())
        .isEqualTo(Reason.SIGNATURE_INVALID);
  }

  @Test
  void verify_signerCertificateMissing_certNotFound() throws Exception {
    Files.delete(certs.resolve("cert-1.pem"));

    assertThat(refusal(verifier(true), full()).reason()).isEqualTo(Reason.CERT_NOT_FOUND);
  }

  @Test
  void verify_digestMismatchAndUntrustedSigner_reportsDigestMismatch() throws Exception {
    ImageMetadata m = full();
    Files.delete(trusted.resolve("root.pem"));
    flipByte(1);

    assertThat(refusal(verifier(true), m).reason()).isEqualTo(Reason.DIGEST_MISMATCH);
  }

  @Test
  void verify_missingFile_fileUnreadable() throws Exception {
    Files.delete(image);

    ImageTrustException e = refusal(verifier(true), full());

    assertThat(e.reason()).isEqualTo(Reason.FILE_UNREADABLE);
    assertThat(e.getMessage()).contains("no such file");
  }

  @Test
  void verify_directory_fileUnreadable() throws Exception {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> verifier(true).verify(dir, full()));

    assertThat(e.reason()).isEqualTo(Reason.FILE_UNREADABLE);
  }

  @Test
  void verify_withChunkPlan_returnsLeavesFromSameRead() throws Exception {
    VerificationReport r = verifier(true).verify(image, full(), DigestPlan.withChunks(java.util.Set.of()));

    assertThat(r.digests().chunks()).hasSize(3);
    assertThat(r.bytesHashed()).isEqualTo(SIZE);
    byte[] first = java.util.Arrays.copyOf(bytes, DigestPlan.CHUNK_SIZE);
    assertThat(r.digests().chunks().get(0).asBytes()).isEqualTo(HashAlgorithm.SHA256.newDigest().digest(first));
  }

  @Test
  void verify_signatureHashSameAsMultihash_verifies() throws Exception {
    ImageMetadata m = meta().multihash(ImageMetadata.Digest.of(HashAlgorithm.SHA512, hash(HashAlgorithm.SHA512)))
        .signature(sign(HashAlgorithm.SHA512)).build();

    assertThat(verifier(true).verify(image, m).signature()).isPresent();
  }

  /** An in-memory sink and a stream source over the image file, for {@link ImageVerifier#verifyInto}. */
  private byte[] verifyInto(ImageVerifier v, ImageMetadata m) throws Exception {
    byte[] out = new byte[SIZE];
    io.imgtrust.core.io.ImageSource src = new io.imgtrust.core.io.ImageSource() {
      @Override
      public java.nio.channels.ReadableByteChannel open() {
        try {
          return Files.newByteChannel(image);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public String describe() {
        return "stream of " + image;
      }
    };
    v.verifyInto(src, m, DigestPlan.withChunks(java.util.Set.of()), (data, offset) -> data.get(out, (int) offset,
        data.remaining()), io.imgtrust.core.digest.CopyProgress.NONE);
    return out;
  }

  @Test
  void verifyInto_signedImage_writesTheBytesIntoTheSink() throws Exception {
    assertThat(verifyInto(verifier(true), full())).isEqualTo(bytes);
  }

  @Test
  void verifyInto_flippedByte_digestMismatch() throws Exception {
    ImageMetadata m = full();
    flipByte(5);

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> verifyInto(verifier(true), m));

    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
  }
}
