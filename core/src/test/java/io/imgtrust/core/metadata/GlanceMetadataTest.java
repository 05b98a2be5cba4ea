package io.imgtrust.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GlanceMetadataTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String ID = "c1a8c1f4-7a43-4b3c-9a0f-3d0c9a1b8e11";
  private static final String CERT_ID = "6b8c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
  private static final byte[] SIG = new byte[256];
  private static final String SHA512_HEX =
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
  private static final String MD5_HEX = "900150983cd24fb0d6963f7d28e17f72";
  private static final List<String> SIGNATURE_FIELDS = List.of(
      "img_signature", "img_signature_hash_method", "img_signature_key_type", "img_signature_certificate_uuid");

  static {
    for (int i = 0; i < SIG.length; i++) {
      SIG[i] = (byte) (i * 7 + 3);
    }
  }

  /** An image as {@code GET /v2/images/{id}} returns it, with fields imgtrust ignores. */
  private static final String API_FORM = "{\n"
      + "  \"id\": \"" + ID + "\",\n"
      + "  \"name\": \"cirros-0.6.2-x86_64-disk\",\n"
      + "  \"status\": \"active\",\n"
      + "  \"visibility\": \"public\",\n"
      + "  \"protected\": false,\n"
      + "  \"os_hidden\": false,\n"
      + "  \"owner\": \"2a5b1e7f0c8d4e6f9a3b5c7d9e1f3a5b\",\n"
      + "  \"checksum\": null,\n"
      + "  \"os_hash_algo\": \"sha512\",\n"
      + "  \"os_hash_value\": \"" + SHA512_HEX + "\",\n"
      + "  \"container_format\": \"bare\",\n"
      + "  \"disk_format\": \"qcow2\",\n"
      + "  \"size\": 21430272,\n"
      + "  \"virtual_size\": 117440512,\n"
      + "  \"min_disk\": 0,\n"
      + "  \"min_ram\": 0,\n"
      + "  \"tags\": [\"cirros\", \"test\"],\n"
      + "  \"locations\": [{\"url\": \"rbd://fsid/images/" + ID + "/snap\", \"metadata\": {\"store\": \"ceph\"}}],\n"
      + "  \"direct_url\": \"rbd://fsid/images/" + ID + "/snap\",\n"
      + "  \"stores\": \"ceph\",\n"
      + "  \"created_at\": \"2024-03-01T10:00:00Z\",\n"
      + "  \"updated_at\": \"2024-03-01T10:00:05Z\",\n"
      + "  \"self\": \"/v2/images/" + ID + "\",\n"
      + "  \"file\": \"/v2/images/" + ID + "/file\",\n"
      + "  \"schema\": \"/v2/schemas/image\",\n"
      + "  \"hw_disk_bus\": \"virtio\",\n"
      + "  \"img_signature\": \"" + Base64.getEncoder().encodeToString(SIG) + "\",\n"
      + "  \"img_signature_hash_method\": \"SHA-256\",\n"
      + "  \"img_signature_key_type\": \"RSA-PSS\",\n"
      + "  \"img_signature_certificate_uuid\": \"" + CERT_ID + "\"\n"
      + "}\n";

  /** The same image as {@code openstack image show -f json} prints it: custom properties under "properties". */
  private static final String CLIENT_FORM = "{\n"
      + "  \"checksum\": \"" + MD5_HEX + "\",\n"
      + "  \"container_format\": \"bare\",\n"
      + "  \"created_at\": \"2024-03-01T10:00:00Z\",\n"
      + "  \"disk_format\": \"raw\",\n"
      + "  \"file\": \"/v2/images/" + ID + "/file\",\n"
      + "  \"id\": \"" + ID + "\",\n"
      + "  \"min_disk\": 0,\n"
      + "  \"min_ram\": 0,\n"
      + "  \"name\": \"signed-raw\",\n"
      + "  \"os_hash_algo\": \"sha512\",\n"
      + "  \"os_hash_value\": \"" + SHA512_HEX + "\",\n"
      + "  \"os_hidden\": false,\n"
      + "  \"owner\": \"2a5b1e7f0c8d4e6f9a3b5c7d9e1f3a5b\",\n"
      + "  \"properties\": {\n"
      + "    \"img_signature\": \"" + Base64.getEncoder().encodeToString(SIG) + "\",\n"
      + "    \"img_signature_certificate_uuid\": \"" + CERT_ID + "\",\n"
      + "    \"img_signature_hash_method\": \"SHA-512\",\n"
      + "    \"img_signature_key_type\": \"ECC_SECP384R1\",\n"
      + "    \"os_glance_importing_to_stores\": \"\",\n"
      + "    \"os_glance_failed_import\": \"\",\n"
      + "    \"stores\": \"file\"\n"
      + "  },\n"
      + "  \"protected\": false,\n"
      + "  \"schema\": \"/v2/schemas/image\",\n"
      + "  \"size\": 1073741824,\n"
      + "  \"status\": \"active\",\n"
      + "  \"tags\": [],\n"
      + "  \"updated_at\": \"2024-03-01T10:00:05Z\",\n"
      + "  \"virtual_size\": null,\n"
      + "  \"visibility\": \"shared\"\n"
      + "}\n";

  // ---------------------------------------------------------------------------------------------- helpers

  private static ObjectNode apiForm() throws Exception {
    return (ObjectNode) JSON.readTree(API_FORM);
  }

  private static ObjectNode clientForm() throws Exception {
    return (ObjectNode) JSON.readTree(CLIENT_FORM);
  }

  private static byte[] bytes(Object tree) throws Exception {
    return JSON.writeValueAsBytes(tree);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ImageTrustException parseFails(byte[] json) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> GlanceMetadata.parse(json));
    assertThat(e).as("parse must fail with ImageTrustException").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_METADATA);
    return e;
  }

  private static void assertMalformedField(byte[] json, String field) {
    ImageTrustException e = parseFails(json);
    assertThat(e.details()).containsEntry("field", field);
    assertThat(e.getMessage()).contains(field);
  }

  private static String hex(int bytes, char digit) {
    return String.valueOf(digit).repeat(2 * bytes);
  }

  // ---------------------------------------------------------------------------------------------- positive

  @Test
  void parse_apiFormWithIgnoredFields_parsesEveryUsedField() throws Exception {
    ImageMetadata m = GlanceMetadata.parse(utf8(API_FORM));

    assertThat(m.id()).isEqualTo(ID);
    assertThat(m.diskFormat()).isEqualTo("qcow2");
    assertThat(m.size()).isEqualTo(21430272L);
    assertThat(m.checksum()).isEmpty();
    assertThat(m.multihash()).hasValueSatisfying(d -> {
      assertThat(d.algorithm()).isEqualTo(HashAlgorithm.SHA512);
      assertThat(d.value()).isEqualTo(HexFormat.of().parseHex(SHA512_HEX));
    });
    assertThat(m.signature()).hasValueSatisfying(s -> {
      assertThat(s.signature()).isEqualTo(SIG);
      assertThat(s.signatureBase64()).isEqualTo(Base64.getEncoder().encodeToString(SIG));
      assertThat(s.hashMethod()).isEqualTo(HashAlgorithm.SHA256);
      assertThat(s.keyType()).isEqualTo(KeyType.RSA_PSS);
      assertThat(s.certificateId()).isEqualTo(CERT_ID);
    });
  }

  @Test
  void parse_openstackClientFormWithNestedProperties_parsesSignature() throws Exception {
    ImageMetadata m = GlanceMetadata.parse(utf8(CLIENT_FORM));

    assertThat(m.id()).isEqualTo(ID);
    assertThat(m.diskFormat()).isEqualTo("raw");
    assertThat(m.size()).isEqualTo(1L << 30);
    assertThat(m.checksum()).hasValueSatisfying(d -> {
      assertThat(d.algorithm()).isEqualTo(HashAlgorithm.MD5);
      assertThat(d.value()).isEqualTo(HexFormat.of().parseHex(MD5_HEX));
    });
    assertThat(m.signature()).hasValueSatisfying(s -> {
      assertThat(s.signature()).isEqualTo(SIG);
      assertThat(s.hashMethod()).isEqualTo(HashAlgorithm.SHA512);
      assertThat(s.keyType()).isEqualTo(KeyType.ECC_SECP384R1);
      assertThat(s.certificateId()).isEqualTo(CERT_ID);
    });
  }

  @Test
  void parse_signatureTopLevelAndNestedAgreeing_parses() throws Exception {
    ObjectNode doc = apiForm();
    ObjectNode props = doc.putObject("properties");
    for (String f : SIGNATURE_FIELDS) {
      props.set(f, doc.get(f));
    }

    assertThat(GlanceMetadata.parse(bytes(doc)).signature()).hasValueSatisfying(
        s -> assertThat(s.keyType()).isEqualTo(KeyType.RSA_PSS));
  }

  @Test
  void parse_signaturePartlyTopLevelPartlyNested_combinesBoth() throws Exception {
    ObjectNode doc = apiForm();
    ObjectNode props = doc.putObject("properties");
    props.set("img_signature_key_type", doc.remove("img_signature_key_type"));
    props.set("img_signature", doc.remove("img_signature"));

    ImageMetadata m = GlanceMetadata.parse(bytes(doc));

    assertThat(m.signature()).hasValueSatisfying(s -> {
      assertThat(s.keyType()).isEqualTo(KeyType.RSA_PSS);
      assertThat(s.signature()).isEqualTo(SIG);
    });
  }

  @Test
  void parse_noSignatureProperties_signatureEmpty() throws Exception {
    ObjectNode doc = apiForm();
    SIGNATURE_FIELDS.forEach(doc::remove);

    assertThat(GlanceMetadata.parse(bytes(doc)).signature()).isEmpty();
  }

  @Test
  void parse_signaturePropertiesAllNull_signatureEmpty() throws Exception {
    ObjectNode doc = apiForm();
    SIGNATURE_FIELDS.forEach(doc::putNull);

    assertThat(GlanceMetadata.parse(bytes(doc)).signature()).isEmpty();
  }

  @Test
  void parse_propertiesNull_ignored() throws Exception {
    ObjectNode doc = apiForm();
    doc.putNull("properties");

    assertThat(GlanceMetadata.parse(bytes(doc)).signature()).isPresent();
  }

  @Test
  void parse_minimalDocument_parsesWithNoDigestsAndDefaultStatus() throws Exception {
    ImageMetadata m = GlanceMetadata.parse(utf8("{\"id\":\"x1\",\"disk_format\":\"raw\",\"size\":0}"));

    assertThat(m.id()).isEqualTo("x1");
    assertThat(m.size()).isZero();
    assertThat(m.checksum()).isEmpty();
    assertThat(m.multihash()).isEmpty();
    assertThat(m.signature()).isEmpty();
    assertThat(m.expectedDigest()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"})
  void parse_eachGlanceDiskFormat_accepted(String format) throws Exception {
    ObjectNode doc = apiForm();
    doc.put("disk_format", format);

    assertThat(GlanceMetadata.parse(bytes(doc)).diskFormat()).isEqualTo(format);
  }

  @ParameterizedTest
  @EnumSource(value = HashAlgorithm.class, names = "MD5", mode = EnumSource.Mode.EXCLUDE)
  void parse_eachMultihashAlgorithm_acceptedWithItsLength(HashAlgorithm a) throws Exception {
    ObjectNode doc = apiForm();
    doc.put("os_hash_algo", a.glanceName());
    doc.put("os_hash_value", hex(a.length(), 'a'));

    assertThat(GlanceMetadata.parse(bytes(doc)).multihash()).hasValueSatisfying(d -> {
      assertThat(d.algorithm()).isEqualTo(a);
      assertThat(d.value()).hasSize(a.length()).containsOnly((byte) 0xaa);
    });
  }

  @ParameterizedTest
  @CsvSource({"SHA-224, SHA224", "SHA-256, SHA256", "SHA-384, SHA384", "SHA-512, SHA512"})
  void parse_eachSignatureHashMethod_accepted(String name, HashAlgorithm expected) throws Exception {
    ObjectNode doc = apiForm();
    doc.put("img_signature_hash_method", name);

    assertThat(GlanceMetadata.parse(bytes(doc)).signature().orElseThrow().hashMethod()).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void parse_eachSignatureKeyType_accepted(KeyType k) throws Exception {
    ObjectNode doc = apiForm();
    doc.put("img_signature_key_type", k.glanceName());

    assertThat(GlanceMetadata.parse(bytes(doc)).signature().orElseThrow().keyType()).isEqualTo(k);
  }

  @ParameterizedTest
  @ValueSource(strings = {"6b8c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", "signing.cert_v2", "A", "x..y"})
  void parse_plainCertificateIds_accepted(String certId) throws Exception {
    ObjectNode doc = apiForm();
    doc.put("img_signature_certificate_uuid", certId);

    assertThat(GlanceMetadata.parse(bytes(doc)).signature().orElseThrow().certificateId()).isEqualTo(certId);
  }

  @Test
  void parse_uppercaseHex_accepted() throws Exception {
    ObjectNode doc = apiForm();
    doc.put("os_hash_value", SHA512_HEX.toUpperCase(java.util.Locale.ROOT));
    doc.put("checksum", MD5_HEX.toUpperCase(java.util.Locale.ROOT));

    ImageMetadata m = GlanceMetadata.parse(bytes(doc));

    assertThat(m.multihash().orElseThrow().value()).isEqualTo(HexFormat.of().parseHex(SHA512_HEX));
    assertThat(m.checksum().orElseThrow().value()).isEqualTo(HexFormat.of().parseHex(MD5_HEX));
  }

  @Test
  void parse_sizeZeroAndLargest_accepted() throws Exception {
    ObjectNode doc = apiForm();
    doc.put("size", Long.MAX_VALUE);
    assertThat(GlanceMetadata.parse(bytes(doc)).size()).isEqualTo(Long.MAX_VALUE);
    doc.put("size", 0);
    assertThat(GlanceMetadata.parse(bytes(doc)).size()).isZero();
  }

  @Test
  void parse_signatureBase64WithSurroundingWhitespace_accepted() throws Exception {
    ObjectNode doc = apiForm();
    doc.put("img_signature", "  " + Base64.getEncoder().encodeToString(SIG) + "\n");

    assertThat(GlanceMetadata.parse(bytes(doc)).signature().orElseThrow().signature()).isEqualTo(SIG);
  }

  /** A signature whose base64 uses the whole alphabet, wrapped as {@code openssl base64} writes it. */
  private static final byte[] VARIED_SIG = variedSignature();

  private static byte[] variedSignature() {
    byte[] sig = new byte[385];
    for (int i = 0; i < sig.length; i++) {
      sig[i] = (byte) (i * 37 + 11);
    }
    return sig;
  }

  private static String wrapped(String lineEnd) {
    String b64 = Base64.getEncoder().encodeToString(VARIED_SIG);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < b64.length(); i += 64) {
      out.append(b64, i, Math.min(b64.length(), i + 64)).append(lineEnd);
    }
    return out.toString();
  }

  static Stream<Arguments> wrappedSignatures() {
    return Stream.of(
        Arguments.of("openssl base64: 64-char lines, trailing LF", wrapped("\n")),
        Arguments.of("CRLF lines", wrapped("\r\n")),
        Arguments.of("LF lines, no trailing newline", wrapped("\n").strip()),
        Arguments.of("spaces and tabs inside", wrapped("\n").replace("\n", " \t\n ")),
        Arguments.of("MIME 76-char lines", Base64.getMimeEncoder().encodeToString(VARIED_SIG)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappedSignatures")
  void parse_signatureBase64WrappedInLines_decodesAsGlanceDoes(String name, String text) throws Exception {
    ObjectNode doc = apiForm();
    doc.put("img_signature", text);

    assertThat(GlanceMetadata.parse(bytes(doc)).signature().orElseThrow().signature()).isEqualTo(VARIED_SIG);
  }

  static Stream<Arguments> wrappedSignaturesWithJunk() {
    return Stream.of(
        Arguments.of("junk at a line end", "*"),
        Arguments.of("url-safe character at a line end", "-"),
        Arguments.of("NUL at a line end", "\u0000"),
        Arguments.of("non-ASCII space at a line end", "\u00a0"),
        Arguments.of("form feed at a line end", "\f"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappedSignaturesWithJunk")
  void parse_wrappedSignatureWithNonWhitespaceJunk_malformed(String name, String junk) throws Exception {
    ObjectNode doc = apiForm();
    doc.put("img_signature", wrapped("\n").replaceFirst("\n", junk + "\n"));

    assertMalformedField(bytes(doc), "img_signature");
  }

  @Test
  void parse_wrappedSignatureMissingPadding_malformed() throws Exception {
    String text = wrapped("\n").replace("=", "");
    assertThat(text).as("the test signature needs padding").isNotEqualTo(wrapped("\n"));
    ObjectNode doc = apiForm();
    doc.put("img_signature", text);

    assertMalformedField(bytes(doc), "img_signature");
  }

  @Test
  void signature_returnedBytes_areACopy() throws Exception {
    SignatureProperties s = GlanceMetadata.parse(utf8(API_FORM)).signature().orElseThrow();
    s.signature()[0] ^= 1;
    ImageMetadata.Digest d = GlanceMetadata.parse(utf8(API_FORM)).multihash().orElseThrow();
    d.value()[0] ^= 1;

    assertThat(s.signature()).isEqualTo(SIG);
    assertThat(d.value()).isEqualTo(HexFormat.of().parseHex(SHA512_HEX));
  }

  // ---------------------------------------------------------------------------------------------- expectedDigest

  @Test
  void expectedDigest_multihashAndChecksum_multihashWins() throws Exception {
    ImageMetadata m = GlanceMetadata.parse(utf8(CLIENT_FORM));

    assertThat(m.checksum()).isPresent();
    assertThat(m.expectedDigest()).hasValueSatisfying(d -> {
      assertThat(d.algorithm()).isEqualTo(HashAlgorithm.SHA512);
      assertThat(d.value()).isEqualTo(HexFormat.of().parseHex(SHA512_HEX));
    });
  }

  @Test
  void expectedDigest_checksumOnly_usesChecksum() throws Exception {
    ObjectNode doc = clientForm();
    doc.remove("os_hash_algo");
    doc.remove("os_hash_value");

    assertThat(GlanceMetadata.parse(bytes(doc)).expectedDigest()).hasValueSatisfying(d -> {
      assertThat(d.algorithm()).isEqualTo(HashAlgorithm.MD5);
      assertThat(d.value()).isEqualTo(HexFormat.of().parseHex(MD5_HEX));
    });
  }

  @Test
  void expectedDigest_multihashNullsAndChecksum_usesChecksum() throws Exception {
    ObjectNode doc = clientForm();
    doc.putNull("os_hash_algo");
    doc.putNull("os_hash_value");

    assertThat(GlanceMetadata.parse(bytes(doc)).expectedDigest().orElseThrow().algorithm())
        .isEqualTo(HashAlgorithm.MD5);
  }

  @Test
  void expectedDigest_neither_isEmpty() throws Exception {
    ObjectNode doc = clientForm();
    doc.remove("os_hash_algo");
    doc.remove("os_hash_value");
    doc.remove("checksum");

    assertThat(GlanceMetadata.parse(bytes(doc)).expectedDigest()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------- negatives

  static Stream<Arguments> malformedFields() {
    return Stream.of(
        bad("size as string", d -> d.put("size", "21430272"), "size"),
        bad("size negative", d -> d.put("size", -1), "size"),
        bad("size float", d -> d.put("size", 1024.5), "size"),
        bad("size integral float", d -> d.put("size", 1024.0), "size"),
        bad("size boolean", d -> d.put("size", true), "size"),
        bad("size beyond long", d -> d.put("size", new java.math.BigInteger("99999999999999999999")), "size"),
        bad("size missing", d -> d.remove("size"), "size"),
        bad("size null", d -> d.putNull("size"), "size"),
        bad("id as number", d -> d.put("id", 42), "id"),
        bad("id as object", d -> d.putObject("id"), "id"),
        bad("id missing", d -> d.remove("id"), "id"),
        bad("id null", d -> d.putNull("id"), "id"),
        bad("disk_format missing", d -> d.remove("disk_format"), "disk_format"),
        bad("disk_format unknown", d -> d.put("disk_format", "img"), "disk_format"),
        bad("disk_format upper case", d -> d.put("disk_format", "QCOW2"), "disk_format"),
        bad("disk_format empty", d -> d.put("disk_format", ""), "disk_format"),
        bad("disk_format as number", d -> d.put("disk_format", 2), "disk_format"),
        bad("status queued", d -> d.put("status", "queued"), "status"),
        bad("status saving", d -> d.put("status", "saving"), "status"),
        bad("status deactivated", d -> d.put("status", "deactivated"), "status"),
        bad("status killed", d -> d.put("status", "killed"), "status"),
        bad("status deleted", d -> d.put("status", "deleted"), "status"),
        bad("status importing", d -> d.put("status", "importing"), "status"),
        bad("status as number", d -> d.put("status", 1), "status"),
        bad("checksum as number", d -> d.put("checksum", 12345), "checksum"),
        bad("checksum too short", d -> d.put("checksum", hex(15, '0')), "checksum"),
        bad("checksum too long", d -> d.put("checksum", hex(17, '0')), "checksum"),
        bad("checksum sha256 length", d -> d.put("checksum", hex(32, '0')), "checksum"),
        bad("checksum non-hex", d -> d.put("checksum", "g" + hex(16, '0').substring(1)), "checksum"),
        bad("checksum empty", d -> d.put("checksum", ""), "checksum"),
        bad("properties as string", d -> d.put("properties", "img_signature='abc'"), "properties"),
        bad("properties as array", d -> d.putArray("properties"), "properties"),
        bad("os_hash_algo unknown", d -> d.put("os_hash_algo", "sha3_512"), "os_hash_algo"),
        bad("os_hash_algo md5", d -> {
          d.put("os_hash_algo", "md5");
          d.put("os_hash_value", hex(16, 'a'));
        }, "os_hash_algo"),
        bad("os_hash_algo upper case", d -> d.put("os_hash_algo", "SHA512"), "os_hash_algo"),
        bad("os_hash_algo as number", d -> d.put("os_hash_algo", 512), "os_hash_algo"),
        bad("os_hash_algo without value", d -> d.remove("os_hash_value"), "os_hash_value"),
        bad("os_hash_value without algo", d -> d.remove("os_hash_algo"), "os_hash_algo"),
        bad("os_hash_value sha256 length for sha512", d -> d.put("os_hash_value", hex(32, 'a')), "os_hash_value"),
        bad("os_hash_value one digit short", d -> d.put("os_hash_value", SHA512_HEX.substring(1)), "os_hash_value"),
        bad("os_hash_value one digit long", d -> d.put("os_hash_value", SHA512_HEX + "0"), "os_hash_value"),
        bad("os_hash_value non-hex", d -> d.put("os_hash_value", "z" + SHA512_HEX.substring(1)), "os_hash_value"),
        bad("os_hash_value with 0x", d -> d.put("os_hash_value", "0x" + SHA512_HEX.substring(2)), "os_hash_value"),
        bad("os_hash_value as number", d -> d.put("os_hash_value", 7), "os_hash_value"),
        bad("hash method SHA-1", d -> d.put("img_signature_hash_method", "SHA-1"), "img_signature_hash_method"),
        bad("hash method sha256", d -> d.put("img_signature_hash_method", "sha256"), "img_signature_hash_method"),
        bad("hash method MD5", d -> d.put("img_signature_hash_method", "MD5"), "img_signature_hash_method"),
        bad("hash method empty", d -> d.put("img_signature_hash_method", ""), "img_signature_hash_method"),
        bad("key type RSA", d -> d.put("img_signature_key_type", "RSA"), "img_signature_key_type"),
        bad("key type P-256", d -> d.put("img_signature_key_type", "ECC_SECP256R1"), "img_signature_key_type"),
        bad("key type lower case", d -> d.put("img_signature_key_type", "rsa-pss"), "img_signature_key_type"),
        bad("signature bad base64", d -> d.put("img_signature", "not*base64!"), "img_signature"),
        bad("signature url-safe base64", d -> d.put("img_signature", "ab-_"), "img_signature"),
        bad("signature empty", d -> d.put("img_signature", ""), "img_signature"),
        bad("signature blank", d -> d.put("img_signature", "   "), "img_signature"),
        bad("signature as number", d -> d.put("img_signature", 1), "img_signature"),
        bad("cert uuid traversal", d -> d.put("img_signature_certificate_uuid", "../../etc/passwd"),
            "img_signature_certificate_uuid"),
        bad("cert uuid dotdot", d -> d.put("img_signature_certificate_uuid", ".."),
            "img_signature_certificate_uuid"),
        bad("cert uuid with slash", d -> d.put("img_signature_certificate_uuid", "certs/abc"),
            "img_signature_certificate_uuid"),
        bad("cert uuid nested traversal", d -> d.put("img_signature_certificate_uuid", "abc/../../x"),
            "img_signature_certificate_uuid"),
        bad("cert uuid absolute", d -> d.put("img_signature_certificate_uuid", "/etc/passwd"),
            "img_signature_certificate_uuid"),
        bad("cert uuid hidden", d -> d.put("img_signature_certificate_uuid", ".hidden"),
            "img_signature_certificate_uuid"),
        bad("cert uuid empty", d -> d.put("img_signature_certificate_uuid", ""),
            "img_signature_certificate_uuid"),
        bad("cert uuid NUL", d -> d.put("img_signature_certificate_uuid", "abc\u0000.pem"),
            "img_signature_certificate_uuid"),
        bad("cert uuid newline", d -> d.put("img_signature_certificate_uuid", "abc\n"),
            "img_signature_certificate_uuid"),
        bad("nested property wrong type", d -> {
          d.remove("img_signature");
          d.putObject("properties").put("img_signature", 5);
        }, "properties.img_signature"));
  }

  private static Arguments bad(String name, Consumer<ObjectNode> mutation, String field) {
    return Arguments.of(name, mutation, field);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFields")
  void parse_malformedField_malformedNamingField(String name, Consumer<ObjectNode> mutation, String field)
      throws Exception {
    ObjectNode doc = apiForm();
    mutation.accept(doc);

    assertMalformedField(bytes(doc), field);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "img_signature", "img_signature_hash_method", "img_signature_key_type", "img_signature_certificate_uuid"})
  void parse_partialSignatureProperties_malformedNamingField(String missing) throws Exception {
    ObjectNode doc = apiForm();
    doc.remove(missing);

    assertMalformedField(bytes(doc), missing);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "img_signature", "img_signature_hash_method", "img_signature_key_type", "img_signature_certificate_uuid"})
  void parse_partialNestedSignatureProperties_malformedNamingField(String missing) throws Exception {
    ObjectNode doc = clientForm();
    ((ObjectNode) doc.get("properties")).remove(missing);

    assertMalformedField(bytes(doc), missing);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "img_signature", "img_signature_hash_method", "img_signature_key_type", "img_signature_certificate_uuid"})
  void parse_onlyOneSignatureProperty_malformedNamingAMissingOne(String only) throws Exception {
    ObjectNode doc = apiForm();
    SIGNATURE_FIELDS.stream().filter(f -> !f.equals(only)).forEach(doc::remove);

    ImageTrustException e = parseFails(bytes(doc));
    assertThat(e.details().get("field")).isIn(SIGNATURE_FIELDS.stream().filter(f -> !f.equals(only)).toArray());
  }

  static Stream<Arguments> disagreeing() {
    return Stream.of(
        Arguments.of("img_signature", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})),
        Arguments.of("img_signature_hash_method", "SHA-512"),
        Arguments.of("img_signature_key_type", "DSA"),
        Arguments.of("img_signature_certificate_uuid", "another-cert"));
  }

  @ParameterizedTest
  @MethodSource("disagreeing")
  void parse_topLevelAndNestedDisagree_malformedNamingField(String field, String otherValue) throws Exception {
    ObjectNode doc = apiForm();
    doc.putObject("properties").put(field, otherValue);

    assertMalformedField(bytes(doc), field);
  }

  @Test
  void parse_duplicateKeys_malformed() {
    String json = "{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":1,\"size\":2}";

    ImageTrustException e = parseFails(utf8(json));
    assertThat(e.getMessage()).contains("size");
  }

  @Test
  void parse_duplicateKeysInProperties_malformed() {
    String json = "{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":1,"
        + "\"properties\":{\"img_signature_key_type\":\"DSA\",\"img_signature_key_type\":\"RSA-PSS\"}}";

    ImageTrustException e = parseFails(utf8(json));
    assertThat(e.getMessage()).contains("img_signature_key_type");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":1",
    "{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":1,}",
    "{'id':'a','disk_format':'raw','size':1}",
    "{id:\"a\",\"disk_format\":\"raw\",\"size\":1}",
    "{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":NaN}",
    "{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":1 /* c */}",
    "{\"id\":\"a\" \"disk_format\":\"raw\"}",
    "",
    "   ",
    "garbage",
  })
  void parse_brokenJson_malformed(String json) {
    parseFails(utf8(json));
  }

  @Test
  void parse_trailingContentAfterObject_malformed() {
    parseFails(utf8("{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":1} {\"id\":\"b\"}"));
  }

  @Test
  void parse_invalidUtf8_malformed() {
    byte[] head = utf8("{\"id\":\"");
    byte[] tail = utf8("\",\"disk_format\":\"raw\",\"size\":1}");
    byte[] json = new byte[head.length + 2 + tail.length];
    System.arraycopy(head, 0, json, 0, head.length);
    json[head.length] = (byte) 0xff;
    json[head.length + 1] = (byte) 0xfe;
    System.arraycopy(tail, 0, json, head.length + 2, tail.length);

    parseFails(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":1}]", "null", "42", "\"text\"",
      "true"})
  void parse_notAnObject_malformedNamingDocument(String json) {
    ImageTrustException e = parseFails(utf8(json));
    assertThat(e.details()).containsEntry("field", "(document)");
  }

  @Test
  void parse_documentLargerThanOneMebibyte_malformed() throws Exception {
    ObjectNode doc = apiForm();
    doc.put("description", "x".repeat(GlanceMetadata.MAX_BYTES));
    byte[] json = bytes(doc);
    assertThat(json.length).isGreaterThan(GlanceMetadata.MAX_BYTES);

    parseFails(json);
  }

  @Test
  void parse_documentJustUnderLimit_parses() throws Exception {
    ObjectNode doc = apiForm();
    int base = bytes(doc).length + "\"description\":\"\",".length();
    doc.put("description", "x".repeat(GlanceMetadata.MAX_BYTES - base));
    byte[] json = bytes(doc);
    assertThat(json.length).isLessThanOrEqualTo(GlanceMetadata.MAX_BYTES);

    assertThat(GlanceMetadata.parse(json).id()).isEqualTo(ID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[", "{\"a\":"})
  void parse_deeplyNestedJson_malformedWithoutStackOverflow(String opener) {
    int depth = 10_000;
    String closer = opener.equals("[") ? "]" : "}";
    String json = "{\"id\":\"a\",\"disk_format\":\"raw\",\"size\":1,\"deep\":"
        + opener.repeat(depth) + "1" + closer.repeat(depth) + "}";

    parseFails(utf8(json));
  }

  // ---------------------------------------------------------------------------------------------- read

  @Test
  void read_validFile_parses(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("image.json");
    Files.writeString(f, CLIENT_FORM);

    assertThat(GlanceMetadata.read(f).id()).isEqualTo(ID);
  }

  @Test
  void read_missingFile_fileUnreadable(@TempDir Path dir) {
    Path f = dir.resolve("absent.json");

    assertThatThrownBy(() -> GlanceMetadata.read(f))
        .isInstanceOfSatisfying(ImageTrustException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.FILE_UNREADABLE);
          assertThat(e.getMessage()).contains(f.toString());
        });
  }

  @Test
  void read_directory_fileUnreadable(@TempDir Path dir) {
    assertThatThrownBy(() -> GlanceMetadata.read(dir))
        .isInstanceOfSatisfying(ImageTrustException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.FILE_UNREADABLE));
  }

  @Test
  void read_fileLargerThanOneMebibyte_malformed(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("big.json");
    ObjectNode doc = apiForm();
    doc.put("description", "x".repeat(2 * GlanceMetadata.MAX_BYTES));
    Files.write(f, bytes(doc));

    assertThatThrownBy(() -> GlanceMetadata.read(f))
        .isInstanceOfSatisfying(ImageTrustException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_METADATA));
  }

  @Test
  void read_malformedFile_malformedNamingField(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("image.json");
    ObjectNode doc = apiForm();
    doc.put("size", "big");
    Files.write(f, bytes(doc));

    assertThatThrownBy(() -> GlanceMetadata.read(f))
        .isInstanceOfSatisfying(ImageTrustException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MALFORMED_METADATA);
          assertThat(e.details()).containsEntry("field", "size");
        });
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "../x", ".hidden", "a/b", "sp ace"})
  void parse_imageIdNotPlain_malformedNamingId(String id) throws Exception {
    ObjectNode doc = apiForm();
    doc.put("id", id);

    assertMalformedField(bytes(doc), "id");
  }
}
