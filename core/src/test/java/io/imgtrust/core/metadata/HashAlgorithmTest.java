package io.imgtrust.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class HashAlgorithmTest {

  @ParameterizedTest
  @CsvSource({
    "MD5,    md5,    16",
    "SHA224, sha224, 28",
    "SHA256, sha256, 32",
    "SHA384, sha384, 48",
    "SHA512, sha512, 64",
  })
  void glanceNameAndLength_eachAlgorithm_matchGlance(HashAlgorithm a, String glanceName, int length) {
    assertThat(a.glanceName()).isEqualTo(glanceName);
    assertThat(a.length()).isEqualTo(length);
  }

  @ParameterizedTest
  @EnumSource(HashAlgorithm.class)
  void newDigest_eachAlgorithm_producesDigestOfDeclaredLength(HashAlgorithm a) {
    MessageDigest md = a.newDigest();
    assertThat(md.getDigestLength()).isEqualTo(a.length());
    assertThat(md.digest("abc".getBytes(StandardCharsets.US_ASCII))).hasSize(a.length());
  }

  @Test
  void newDigest_calledTwice_returnsIndependentInstances() {
    MessageDigest a = HashAlgorithm.SHA256.newDigest();
    MessageDigest b = HashAlgorithm.SHA256.newDigest();
    a.update((byte) 1);
    assertThat(a).isNotSameAs(b);
    assertThat(b.digest()).isEqualTo(HashAlgorithm.SHA256.newDigest().digest());
  }

  @ParameterizedTest
  @CsvSource({
    "SHA224, SHA-224",
    "SHA256, SHA-256",
    "SHA384, SHA-384",
    "SHA512, SHA-512",
  })
  void signatureName_shaAlgorithms_areGlanceHashMethodNames(HashAlgorithm a, String name) {
    assertThat(a.signatureName()).contains(name);
    assertThat(HashAlgorithm.forSignature(name)).contains(a);
  }

  @Test
  void signatureName_md5_isEmpty() {
    assertThat(HashAlgorithm.MD5.signatureName()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = HashAlgorithm.class, names = "MD5", mode = EnumSource.Mode.EXCLUDE)
  void forMultihash_glanceName_findsAlgorithm(HashAlgorithm a) {
    assertThat(HashAlgorithm.forMultihash(a.glanceName())).contains(a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"md5", "MD5", "SHA512", "sha-512", "SHA-512", "sha1", "sha3_512", "blake2b", "", " sha512"})
  void forMultihash_unknownOrMd5_isEmpty(String name) {
    assertThat(HashAlgorithm.forMultihash(name)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SHA-1", "sha256", "SHA256", "sha-256", "MD5", "md5", "", "SHA-256 ", "SHA3-256"})
  void forSignature_unknownName_isEmpty(String name) {
    assertThat(HashAlgorithm.forSignature(name)).isEmpty();
  }
}
