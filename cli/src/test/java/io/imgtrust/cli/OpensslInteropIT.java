package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.OpensslPki.KeyKind;
import io.imgtrust.cli.OpensslPki.Result;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with openssl as the independent signer and certificate authority: images signed the way the
 * Glance documentation shows ({@code openssl dgst -sha256 -sign key -sigopt rsa_padding_mode:pss}) must verify
 * through {@code imgtrust verify}, every refusal must carry its exit code and reason, and signatures made by
 * {@code imgtrust sign} must verify with {@code openssl dgst -verify}.
 *
 * <p>openssl and the {@code imgtrust} launcher are required: if either is missing the tests fail, they never skip.
 */
class OpensslInteropIT {

    private static final List<String> HASH_METHODS = List.of("SHA-224", "SHA-256", "SHA-384", "SHA-512");
    private static final int CHUNK = 4 * 1024 * 1024;
    /** Crosses the 4 MiB chunk boundary and ends in a partial chunk. */
    private static final int IMAGE_SIZE = 5 * 1024 * 1024 + 123;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    static Path shared;

    private static OpensslPki pki;
    private static Path launcher;
    private static Path image;
    private static byte[] rsaSha256Signature;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makePkiAndImage() throws IOException {
        launcher = locateLauncher();
        pki = OpensslPki.create(shared.resolve("pki"));
        image = shared.resolve("image.raw");
        byte[] bytes = new byte[IMAGE_SIZE];
        new Random(0x1A6_7257L).nextBytes(bytes);
        Files.write(image, bytes);
        rsaSha256Signature = pki.sign(image, pki.key(KeyKind.RSA), true, "SHA-256");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Positive: openssl signs, imgtrust verifies; every key type x every hash method.

    static Stream<Arguments> everyKeyTypeAndHash() {
        List<Arguments> all = new ArrayList<>();
        for (KeyKind kind : KeyKind.values()) {
            for (String hash : HASH_METHODS) {
                all.add(Arguments.of(kind, hash));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("everyKeyTypeAndHash")
    void verify_opensslSignedImage_acceptedWithSignerAndAnchorReported(KeyKind kind, String hash) throws Exception {
        byte[] sig = pki.sign(image, pki.key(kind), kind == KeyKind.RSA, hash);
        ObjectNode meta = metadata(image, "1b3c0a52-0000-4000-8000-" + String.format(Locale.ROOT, "%012d", kind.ordinal() * 10
                + HASH_METHODS.indexOf(hash)));
        signature(meta, sig, hash, kind.glanceKeyType, kind.certId());

        Result r = verify(config(pki.trustedDir, true), image, meta);

        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode out = json(r);
        assertThat(out.path("ok").isBoolean() && out.path("ok").booleanValue()).as(r.describe()).isTrue();
        assertThat(out.path("bytes_hashed").isIntegralNumber()).as(r.describe()).isTrue();
        assertThat(out.path("bytes_hashed").longValue()).as(r.describe()).isEqualTo(Files.size(image));
        assertThat(out.path("image_id").asText()).as(r.describe()).isEqualTo(meta.get("id").asText());

        JsonNode s = out.path("signature");
        assertThat(s.path("verified").isBoolean() && s.path("verified").booleanValue()).as(r.describe()).isTrue();
        assertThat(s.path("key_type").asText()).as(r.describe()).isEqualTo(kind.glanceKeyType);
        assertThat(s.path("hash_method").asText()).as(r.describe()).isEqualTo(hash);
        assertThat(s.path("certificate_id").asText()).as(r.describe()).isEqualTo(kind.certId());
        assertThat(s.path("signer_subject").asText()).as(r.describe()).contains(kind.signerCn());
        assertThat(s.path("signer_fingerprint_sha256").asText()).as(r.describe())
                .isEqualTo(OpensslPki.sha256Hex(OpensslPki.der(pki.leafCert(kind))));
        assertThat(s.path("trust_anchor").path("subject").asText()).as(r.describe()).contains(OpensslPki.ROOT_CN);
        assertThat(s.path("trust_anchor").path("fingerprint_sha256").asText()).as(r.describe())
                .isEqualTo(OpensslPki.sha256Hex(OpensslPki.der(pki.rootCert)));

        assertSha512DigestOk(out, r);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Negatives: content.

    @Test
    void verify_flippedByte_refusedWithDigestMismatch() throws Exception {
        Path bad = flippedCopy();
        ObjectNode meta = rsaSignedMetadata(image);

        assertRefused(verify(config(pki.trustedDir, true), bad, meta), 3, "DIGEST_MISMATCH");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @EnumSource(value = KeyKind.class, names = {"RSA", "DSA", "SECP384R1", "SECT571R1"})
    void verify_flippedByteWithOnlySignatureAndNoDigests_refusedWithSignatureInvalid(KeyKind kind) throws Exception {
        Path bad = flippedCopy();
        ObjectNode meta = metadata(image, "5a9f3c1e-2b7d-4e8a-9c6f-0d1e2f3a4b5c");
        meta.remove(List.of("checksum", "os_hash_algo", "os_hash_value"));
        signature(meta, pki.sign(image, pki.key(kind), kind == KeyKind.RSA, "SHA-256"), "SHA-256",
                kind.glanceKeyType, kind.certId());

        assertRefused(verify(config(pki.trustedDir, true), bad, meta), 3, "SIGNATURE_INVALID");
    }

    /** Glance returns the digest properties as JSON null where an image has none (e.g. multihash before Rocky). */
    @Test
    void verify_flippedByteWithNullDigestsLikeGlance_refusedWithSignatureInvalid() throws Exception {
        Path bad = flippedCopy();
        ObjectNode meta = rsaSignedMetadata(image);
        meta.putNull("checksum");
        meta.putNull("os_hash_algo");
        meta.putNull("os_hash_value");

        assertRefused(verify(config(pki.trustedDir, true), bad, meta), 3, "SIGNATURE_INVALID");
    }

    @Test
    void verify_nullDigestsLikeGlanceAndIntactImage_acceptedBySignature() throws Exception {
        ObjectNode meta = rsaSignedMetadata(image);
        meta.putNull("checksum");
        meta.putNull("os_hash_algo");
        meta.putNull("os_hash_value");

        Result r = verify(config(pki.trustedDir, true), image, meta);

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(json(r).path("signature").path("verified").asBoolean()).as(r.describe()).isTrue();
    }

    @Test
    void verify_truncatedFile_refusedWithSizeMismatch() throws Exception {
        Path truncated = tmp.resolve("truncated.raw");
        try (InputStream in = Files.newInputStream(image)) {
            Files.write(truncated, in.readNBytes(CHUNK + 1000));
        }
        ObjectNode meta = rsaSignedMetadata(image);

        assertRefused(verify(config(pki.trustedDir, true), truncated, meta), 3, "SIZE_MISMATCH");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Negatives: signature and certificates.

    @Test
    void verify_signatureFromAnotherKeyWithSameCertId_refusedWithSignatureInvalid() throws Exception {
        ObjectNode meta = metadata(image, "c0ffee00-1111-4222-8333-444455556666");
        signature(meta, pki.sign(image, pki.rogueRsaKey, true, "SHA-256"), "SHA-256", "RSA-PSS",
                KeyKind.RSA.certId());

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "SIGNATURE_INVALID");
    }

    @Test
    void verify_rsaPkcs1v15SignatureInsteadOfPss_refusedWithSignatureInvalid() throws Exception {
        ObjectNode meta = metadata(image, "c0ffee00-1111-4222-8333-444455556667");
        signature(meta, pki.sign(image, pki.key(KeyKind.RSA), false, "SHA-256"), "SHA-256", "RSA-PSS",
                KeyKind.RSA.certId());

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "SIGNATURE_INVALID");
    }

    @Test
    void verify_expiredSigningCertificate_refusedWithCertExpired() throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000001");
        signature(meta, rsaSha256Signature, "SHA-256", "RSA-PSS", pki.expiredCertId);

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "CERT_EXPIRED");
    }

    @Test
    void verify_notYetValidSigningCertificate_refusedWithCertNotYetValid() throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000002");
        signature(meta, rsaSha256Signature, "SHA-256", "RSA-PSS", pki.notYetValidCertId);

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "CERT_NOT_YET_VALID");
    }

    @Test
    void verify_leafFromUntrustedRoot_refusedWithCertUntrusted() throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000003");
        signature(meta, rsaSha256Signature, "SHA-256", "RSA-PSS", pki.untrustedRootCertId);

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "CERT_UNTRUSTED");
    }

    @Test
    void verify_leafIssuedByImpostorWithTrustedIntermediatesName_refusedWithCertUntrusted() throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000004");
        signature(meta, rsaSha256Signature, "SHA-256", "RSA-PSS", pki.impostorIssuerCertId);

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "CERT_UNTRUSTED");
    }

    @Test
    void verify_leafIssuedByTrustedIntermediateWithoutCaTrue_refusedWithCertUntrusted() throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000005");
        signature(meta, rsaSha256Signature, "SHA-256", "RSA-PSS", pki.nonCaIssuerCertId);

        assertRefused(verify(config(pki.trustedNonCaDir, true), image, meta), 3, "CERT_UNTRUSTED");
    }

    @Test
    void verify_nonCaInTrustedDir_doesNotBreakAGoodChain() throws Exception {
        Result r = verify(config(pki.trustedNonCaDir, true), image, rsaSignedMetadata(image));

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(json(r).path("signature").path("verified").asBoolean()).as(r.describe()).isTrue();
    }

    @Test
    void verify_pathBelowPathLenZeroIntermediate_refusedWithCertUntrusted() throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000006");
        signature(meta, rsaSha256Signature, "SHA-256", "RSA-PSS", pki.pathLenExceededCertId);

        assertRefused(verify(config(pki.trustedPathLenDir, true), image, meta), 3, "CERT_UNTRUSTED");
    }

    static Stream<Arguments> mismatchedKeyTypes() {
        return Stream.of(
                Arguments.of(KeyKind.RSA, "ECC_SECP384R1"),
                Arguments.of(KeyKind.SECP384R1, "ECC_SECP521R1"));
    }

    @ParameterizedTest(name = "[{index}] {0} cert, metadata says {1}")
    @MethodSource("mismatchedKeyTypes")
    void verify_keyTypeNotMatchingCertificate_refusedWithKeyTypeMismatch(KeyKind certKind, String claimed)
            throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000007");
        signature(meta, pki.sign(image, pki.key(certKind), certKind == KeyKind.RSA, "SHA-256"), "SHA-256", claimed,
                certKind.certId());

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "KEY_TYPE_MISMATCH");
    }

    @Test
    void verify_unknownCertificateId_refusedWithCertNotFound() throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000008");
        signature(meta, rsaSha256Signature, "SHA-256", "RSA-PSS", pki.absentCertId);

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "CERT_NOT_FOUND");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Negatives: malformed metadata and missing signature.

    /** {@code openssl base64} wraps at 64 characters with LF; Glance's decoder accepts that, so must imgtrust. */
    @ParameterizedTest(name = "[{index}] line end {0}")
    @ValueSource(strings = {"LF", "CRLF"})
    void verify_signatureWrappedByOpensslBase64_accepted(String lineEnd) throws Exception {
        String wrapped = opensslBase64(rsaSha256Signature);
        assertThat(wrapped).as("openssl base64 wraps a 2048-bit signature").contains("\n").endsWith("\n");
        ObjectNode meta = rsaSignedMetadata(image);
        meta.put("img_signature", lineEnd.equals("CRLF") ? wrapped.replace("\n", "\r\n") : wrapped);

        Result r = verify(config(pki.trustedDir, true), image, meta);

        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(json(r).path("signature").path("verified").asBoolean()).as(r.describe()).isTrue();
    }

    @Test
    void verify_wrappedSignatureWithJunkBetweenLines_refusedAsMalformedMetadata() throws Exception {
        ObjectNode meta = rsaSignedMetadata(image);
        meta.put("img_signature", opensslBase64(rsaSha256Signature).replaceFirst("\n", "\n#\n"));

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 2, "MALFORMED_METADATA");
    }

    private String opensslBase64(byte[] bytes) throws IOException {
        Path sig = tmp.resolve("sig.bin");
        Files.write(sig, bytes);
        return OpensslPki.openssl("base64", "-in", sig.toString()).stdout();
    }

    @Test
    void verify_badBase64Signature_refusedAsMalformedMetadata() throws Exception {
        ObjectNode meta = rsaSignedMetadata(image);
        meta.put("img_signature", "%%not*base64!!");

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 2, "MALFORMED_METADATA");
    }

    @Test
    void verify_brokenJson_refusedAsMalformedMetadata() throws Exception {
        String text = JSON.writeValueAsString(rsaSignedMetadata(image));
        Path metaFile = tmp.resolve("broken.json");
        Files.writeString(metaFile, text.substring(0, text.length() / 2), StandardCharsets.UTF_8);

        assertRefused(run(config(pki.trustedDir, true), "verify", image.toString(), "--meta", metaFile.toString()),
                2, "MALFORMED_METADATA");
    }

    @Test
    void verify_sizeOfWrongType_refusedAsMalformedMetadata() throws Exception {
        ObjectNode meta = rsaSignedMetadata(image);
        meta.put("size", "five mebibytes");

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 2, "MALFORMED_METADATA");
    }

    @Test
    void verify_noSignaturePropertiesWhileSignaturesRequired_refusedWithSignatureMissing() throws Exception {
        ObjectNode meta = metadata(image, "e0000000-0000-4000-8000-000000000009");

        assertRefused(verify(config(pki.trustedDir, true), image, meta), 3, "SIGNATURE_MISSING");
    }

    @ParameterizedTest(name = "[{index}] without {0}")
    @ValueSource(strings = {"img_signature", "img_signature_hash_method", "img_signature_key_type",
            "img_signature_certificate_uuid"})
    void verify_oneOfFourSignaturePropertiesMissing_refused(String missing) throws Exception {
        ObjectNode meta = rsaSignedMetadata(image);
        meta.remove(missing);

        Result r = verify(config(pki.trustedDir, true), image, meta);

        // A partial set is malformed metadata (exit 2) naming the missing field, as cursive treats it as an error.
        assertRefused(r, 2, "MALFORMED_METADATA");
        assertThat(json(r).path("field").asText()).as(r.describe()).isEqualTo(missing);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The other direction: imgtrust signs, openssl verifies.

    /** How the private key file given to {@code imgtrust sign} is encoded. */
    enum KeyForm { PKCS8, PKCS1_RSA, SEC1_WITH_EC_PARAMETERS }

    static Stream<Arguments> signCases() {
        return Stream.of(
                Arguments.of(KeyKind.RSA, "SHA-256", KeyForm.PKCS8),
                Arguments.of(KeyKind.RSA, "SHA-512", KeyForm.PKCS1_RSA),
                Arguments.of(KeyKind.DSA, "SHA-224", KeyForm.PKCS8),
                Arguments.of(KeyKind.SECP521R1, "SHA-384", KeyForm.PKCS8),
                Arguments.of(KeyKind.SECT571K1, "SHA-512", KeyForm.PKCS8),
                Arguments.of(KeyKind.SECT409R1, "SHA-256", KeyForm.SEC1_WITH_EC_PARAMETERS));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} key as {2}")
    @MethodSource("signCases")
    void sign_thenOpensslDgstVerify_verifiedOkAndImgtrustAcceptsIt(KeyKind kind, String hash, KeyForm form)
            throws Exception {
        Path key = switch (form) {
            case PKCS8 -> pki.key(kind);
            case PKCS1_RSA -> pki.rsaKeyPkcs1;
            case SEC1_WITH_EC_PARAMETERS -> pki.key(kind); // made by `openssl ecparam -genkey`
        };
        assertThat(Files.readString(key)).startsWith(switch (form) {
            case PKCS8 -> "-----BEGIN PRIVATE KEY-----";
            case PKCS1_RSA -> "-----BEGIN RSA PRIVATE KEY-----";
            case SEC1_WITH_EC_PARAMETERS -> "-----BEGIN EC PARAMETERS-----";
        });
        Result signed = run(null, "sign", image.toString(), "--key", key.toString(), "--cert-id", kind.certId(),
                "--hash-method", hash);

        assertThat(signed.exitCode()).as(signed.describe()).isZero();
        JsonNode props = json(signed);
        Set<String> names = new TreeSet<>();
        props.fieldNames().forEachRemaining(names::add);
        assertThat(names).as(signed.describe()).containsExactly("img_signature", "img_signature_certificate_uuid",
                "img_signature_hash_method", "img_signature_key_type");
        assertThat(props.get("img_signature_key_type").asText()).as(signed.describe()).isEqualTo(kind.glanceKeyType);
        assertThat(props.get("img_signature_hash_method").asText()).as(signed.describe()).isEqualTo(hash);
        assertThat(props.get("img_signature_certificate_uuid").asText()).as(signed.describe())
                .isEqualTo(kind.certId());
        byte[] sig = Base64.getDecoder().decode(props.get("img_signature").asText());
        Path sigFile = tmp.resolve("sig.bin");
        Files.write(sigFile, sig);

        // openssl checks the signature over the raw file with the certificate's public key. For RSA-PSS it
        // demands the maximum salt length ("max"; "-2" would mean "auto" when verifying, accepting any salt).
        List<String> cmd = new ArrayList<>(List.of(OpensslPki.openssl(), "dgst", OpensslPki.dgstOption(hash),
                "-verify", pki.publicKeyOf(pki.leafCert(kind)).toString(), "-signature", sigFile.toString()));
        if (kind == KeyKind.RSA) {
            cmd.addAll(List.of("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max"));
        }
        cmd.add(image.toString());
        Result ossl = OpensslPki.run(cmd);
        assertThat(ossl.exitCode()).as(ossl.describe()).isZero();
        assertThat(ossl.stdout()).as(ossl.describe()).contains("Verified OK");

        // imgtrust verify accepts the metadata built from sign's output.
        ObjectNode meta = metadata(image, "5e1f0000-0000-4000-8000-00000000000" + kind.ordinal());
        meta.setAll((ObjectNode) props);
        Result r = verify(config(pki.trustedDir, true), image, meta);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode out = json(r);
        assertThat(out.path("ok").asBoolean()).as(r.describe()).isTrue();
        assertThat(out.path("signature").path("verified").asBoolean()).as(r.describe()).isTrue();
        assertThat(out.path("signature").path("key_type").asText()).as(r.describe()).isEqualTo(kind.glanceKeyType);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers.

    private static void assertSha512DigestOk(JsonNode out, Result r) {
        JsonNode digests = out.path("digests");
        assertThat(digests.isArray()).as(r.describe()).isTrue();
        boolean sha512 = false;
        for (Iterator<JsonNode> it = digests.elements(); it.hasNext(); ) {
            JsonNode d = it.next();
            assertThat(d.path("ok").asBoolean()).as(r.describe()).isTrue();
            sha512 |= "sha512".equals(d.path("algorithm").asText());
        }
        assertThat(sha512).as("sha512 among the digests\n%s", r.describe()).isTrue();
    }

    private static void assertRefused(Result r, int exitCode, String reason) {
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(exitCode);
        JsonNode out = json(r);
        assertThat(out.path("ok").isBoolean() && !out.path("ok").booleanValue()).as(r.describe()).isTrue();
        assertThat(out.path("reason").asText()).as(r.describe()).isEqualTo(reason);
        assertThat(out.path("message").asText()).as(r.describe()).isNotBlank();
        // Untrusted input gives a typed error, never a stack trace.
        assertThat(r.stderr()).as(r.describe()).doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(");
    }

    /** stdout must be exactly one JSON object. */
    private static JsonNode json(Result r) {
        try {
            JsonNode node = JSON.readTree(r.stdout());
            assertThat(node != null && node.isObject()).as("one JSON object on stdout\n%s", r.describe()).isTrue();
            return node;
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON object: " + e.getMessage() + "\n" + r.describe(), e);
        }
    }

    private Path flippedCopy() throws IOException {
        byte[] bytes = Files.readAllBytes(image);
        bytes[CHUNK + 17] ^= 0x01; // in the second 4 MiB chunk
        Path bad = tmp.resolve("flipped.raw");
        Files.write(bad, bytes);
        return bad;
    }

    private static ObjectNode rsaSignedMetadata(Path file) throws IOException {
        ObjectNode meta = metadata(file, "8d0e5b6a-6f4a-4c43-9a51-3c2d1e0f9a87");
        signature(meta, rsaSha256Signature, "SHA-256", "RSA-PSS", KeyKind.RSA.certId());
        return meta;
    }

    /** What {@code GET /v2/images/{id}} returns for an active raw image, digests computed here with the JDK. */
    private static ObjectNode metadata(Path file, String id) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("name", "interop-" + id.substring(0, 8));
        m.put("status", "active");
        m.put("visibility", "private");
        m.put("protected", false);
        m.put("os_hidden", false);
        m.put("owner", "5ec1f0b7a1f94d0a8f0d1c1f2b3a4c5d");
        m.put("disk_format", "raw");
        m.put("container_format", "bare");
        m.put("size", Files.size(file));
        m.put("virtual_size", Files.size(file));
        m.put("min_disk", 0);
        m.put("min_ram", 0);
        m.putArray("tags");
        m.put("checksum", hex(file, "MD5"));
        m.put("os_hash_algo", "sha512");
        m.put("os_hash_value", hex(file, "SHA-512"));
        m.put("created_at", "2024-05-01T10:00:00Z");
        m.put("updated_at", "2024-05-01T10:00:05Z");
        m.put("self", "/v2/images/" + id);
        m.put("file", "/v2/images/" + id + "/file");
        m.put("schema", "/v2/schemas/image");
        return m;
    }

    private static void signature(ObjectNode meta, byte[] sig, String hash, String keyType, String certId) {
        meta.put("img_signature", Base64.getEncoder().encodeToString(sig));
        meta.put("img_signature_hash_method", hash);
        meta.put("img_signature_key_type", keyType);
        meta.put("img_signature_certificate_uuid", certId);
    }

    private static String hex(Path file, String algorithm) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private Path config(Path trustedDir, boolean verifySignatures) throws IOException {
        Path instances = Files.createDirectories(tmp.resolve("instances"));
        Path cfg = tmp.resolve("imgtrust.conf");
        Files.writeString(cfg, String.join("\n",
                "[DEFAULT]",
                "instances_path = " + instances,
                ItFiles.NOT_IMMUTABLE,
                "[verification]",
                "verify_signatures = " + verifySignatures,
                "certificates_dir = " + pki.certsDir,
                "trusted_certs_dir = " + trustedDir,
                ""), StandardCharsets.UTF_8);
        return cfg;
    }

    private Result verify(Path cfg, Path file, ObjectNode meta) throws IOException {
        Path metaFile = tmp.resolve(file.getFileName() + ".json");
        Files.writeString(metaFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta),
                StandardCharsets.UTF_8);
        return run(cfg, "verify", file.toString(), "--meta", metaFile.toString());
    }

    /** Runs the launcher; with a config, as {@code imgtrust --config CFG --json ARGS...}. */
    private static Result run(Path cfg, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        if (cfg != null) {
            cmd.addAll(List.of("--config", cfg.toString(), "--json"));
        }
        cmd.addAll(Arrays.asList(args));
        return OpensslPki.run(cmd);
    }

    private static Path locateLauncher() {
        return Launcher.locate();
    }
}
