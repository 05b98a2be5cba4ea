package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A small PKI made entirely by the openssl command line (the independent party in {@link OpensslInteropIT}).
 *
 * <pre>
 * Interop Root CA (RSA 2048, self-signed, CA:TRUE, keyCertSign+cRLSign)          trusted/root.pem
 *  └─ Interop Intermediate CA (EC P-384, CA:TRUE pathlen:0, keyCertSign)          trusted/intermediate.pem
 *      ├─ one signing certificate per key type (RSA, DSA, 6 ECC curves)          certs/&lt;id&gt;.pem
 *      ├─ an expired and a not-yet-valid signing certificate (RSA key)           (made with `openssl ca`)
 *      └─ Interop Sub CA (CA:TRUE, but the intermediate says pathlen:0)           trusted-pathlen/
 *          └─ a signing certificate that exceeds the path length
 *  └─ Interop Non-CA Intermediate (CA:FALSE, keyCertSign)                         trusted-nonca/
 *      └─ a signing certificate issued by a non-CA
 * Rogue Root CA (not trusted)
 *  └─ a signing certificate (RSA key)
 * Impostor with the intermediate's exact subject name (not trusted)
 *  └─ a signing certificate whose issuer name is the trusted intermediate's
 * </pre>
 *
 * Everything here runs openssl through {@link ProcessBuilder} with argument lists; a missing openssl or a failing
 * openssl command fails the test.
 */
final class OpensslPki {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    static final String ROOT_CN = "Interop Root CA";
    static final String INTERMEDIATE_CN = "Interop Intermediate CA";
    private static final String ORG = "/O=imgtrust interop";

    /** The key types of Glance/cursive with how openssl makes such a key. */
    enum KeyKind {
        RSA("RSA-PSS", null),
        DSA("DSA", null),
        SECP384R1("ECC_SECP384R1", "secp384r1"),
        SECP521R1("ECC_SECP521R1", "secp521r1"),
        SECT409K1("ECC_SECT409K1", "sect409k1"),
        SECT409R1("ECC_SECT409R1", "sect409r1"),
        SECT571K1("ECC_SECT571K1", "sect571k1"),
        SECT571R1("ECC_SECT571R1", "sect571r1");

        final String glanceKeyType;
        final String curve;

        KeyKind(String glanceKeyType, String curve) {
            this.glanceKeyType = glanceKeyType;
            this.curve = curve;
        }

        String certId() {
            return deterministicId("signer-" + name());
        }

        String signerCn() {
            return "imgtrust interop signer " + name().toLowerCase(Locale.ROOT);
        }
    }

    /** Result of one external command. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        String describe() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode
                    + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    final Path dir;
    final Path certsDir;
    final Path trustedDir;
    final Path trustedNonCaDir;
    final Path trustedPathLenDir;
    final Path rootCert;
    final Path intermediateCert;

    private final Path work;
    private final Map<KeyKind, Path> keys = new EnumMap<>(KeyKind.class);
    private final Map<KeyKind, Path> leafCerts = new EnumMap<>(KeyKind.class);
    /** The RSA signing key in the traditional PKCS#1 form ("BEGIN RSA PRIVATE KEY"). */
    Path rsaKeyPkcs1;
    /** An RSA key that has no certificate anywhere. */
    Path rogueRsaKey;

    final String expiredCertId = deterministicId("expired");
    final String notYetValidCertId = deterministicId("not-yet-valid");
    final String untrustedRootCertId = deterministicId("untrusted-root");
    final String impostorIssuerCertId = deterministicId("impostor-issuer");
    final String nonCaIssuerCertId = deterministicId("non-ca-issuer");
    final String pathLenExceededCertId = deterministicId("pathlen-exceeded");
    final String absentCertId = deterministicId("absent");

    private int serial = 4096;

    private OpensslPki(Path dir) throws IOException {
        this.dir = dir;
        this.work = Files.createDirectories(dir.resolve("work"));
        this.certsDir = Files.createDirectories(dir.resolve("certs"));
        this.trustedDir = Files.createDirectories(dir.resolve("trusted"));
        this.trustedNonCaDir = Files.createDirectories(dir.resolve("trusted-nonca"));
        this.trustedPathLenDir = Files.createDirectories(dir.resolve("trusted-pathlen"));
        this.rootCert = trustedDir.resolve("root.pem");
        this.intermediateCert = trustedDir.resolve("intermediate.pem");
    }

    static String deterministicId(String name) {
        return UUID.nameUUIDFromBytes(("imgtrust-interop-" + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String openssl() {
        Path usual = Path.of("/usr/bin/openssl");
        return Files.isExecutable(usual) ? usual.toString() : "openssl";
    }

    /** Builds the whole PKI under {@code dir}. */
    static OpensslPki create(Path dir) throws IOException {
        OpensslPki pki = new OpensslPki(dir);
        pki.build();
        return pki;
    }

    Path key(KeyKind kind) {
        return keys.get(kind);
    }

    Path leafCert(KeyKind kind) {
        return leafCerts.get(kind);
    }

    private void build() throws IOException {
        Path ext = work.resolve("ext.cnf");
        Files.writeString(ext, String.join("\n",
                "[root_ca]",
                "basicConstraints = critical, CA:TRUE",
                "keyUsage = critical, keyCertSign, cRLSign",
                "subjectKeyIdentifier = hash",
                "[inter_ca]",
                "basicConstraints = critical, CA:TRUE, pathlen:0",
                "keyUsage = critical, keyCertSign, cRLSign",
                "subjectKeyIdentifier = hash",
                "authorityKeyIdentifier = keyid",
                "[sub_ca]",
                "basicConstraints = critical, CA:TRUE",
                "keyUsage = critical, keyCertSign, cRLSign",
                "subjectKeyIdentifier = hash",
                "authorityKeyIdentifier = keyid",
                "[non_ca]",
                "basicConstraints = critical, CA:FALSE",
                "keyUsage = critical, keyCertSign, digitalSignature",
                "subjectKeyIdentifier = hash",
                "authorityKeyIdentifier = keyid",
                "[leaf]",
                "basicConstraints = critical, CA:FALSE",
                "keyUsage = critical, digitalSignature",
                "subjectKeyIdentifier = hash",
                "authorityKeyIdentifier = keyid",
                ""));

        // Root CA: RSA, self-signed.
        Path rootKey = genRsa("root");
        openssl("req", "-x509", "-new", "-key", rootKey.toString(), "-subj", ORG + "/CN=" + ROOT_CN,
                "-days", "3650", "-sha256", "-config", ext.toString(), "-extensions", "root_ca",
                "-out", rootCert.toString());

        // Intermediate CA: EC P-384, signed by the root.
        Path interKey = genEc("intermediate", "secp384r1");
        Path interCsr = csr(interKey, INTERMEDIATE_CN, "intermediate");
        issue(interCsr, rootCert, rootKey, ext, "inter_ca", "sha256", 3650, intermediateCert);

        // Signing keys and certificates, one per key type.
        Path dsaParams = work.resolve("dsa-params.pem");
        openssl("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048",
                "-out", dsaParams.toString());
        for (KeyKind kind : KeyKind.values()) {
            Path key;
            switch (kind) {
                case RSA -> key = genRsa("signer-rsa");
                case DSA -> {
                    key = work.resolve("signer-dsa.key.pem");
                    openssl("genpkey", "-paramfile", dsaParams.toString(), "-out", key.toString());
                }
                // The classic form (an "EC PARAMETERS" block, then "EC PRIVATE KEY") as many guides make it.
                case SECT409R1 -> {
                    key = work.resolve("signer-sect409r1.key.pem");
                    openssl("ecparam", "-name", kind.curve, "-genkey", "-out", key.toString());
                }
                default -> key = genEc("signer-" + kind.curve, kind.curve);
            }
            keys.put(kind, key);
            Path cert = certsDir.resolve(kind.certId() + ".pem");
            issue(csr(key, kind.signerCn(), "signer-" + kind.name()), intermediateCert, interKey, ext, "leaf",
                    "sha384", 365, cert);
            leafCerts.put(kind, cert);
        }
        rsaKeyPkcs1 = work.resolve("signer-rsa.pkcs1.pem");
        openssl("pkey", "-in", keys.get(KeyKind.RSA).toString(), "-traditional", "-out", rsaKeyPkcs1.toString());
        assertThat(Files.readString(rsaKeyPkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        rogueRsaKey = genRsa("rogue-signer");

        Path rsaKey = keys.get(KeyKind.RSA);

        // Expired and not-yet-valid signing certificates: openssl 3.0 `x509 -req` cannot set dates, `ca` can.
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
        caIssue(csr(rsaKey, "imgtrust interop expired signer", "expired"), interKey, ext,
                now.minusDays(400), now.minusDays(30), certsDir.resolve(expiredCertId + ".pem"));
        caIssue(csr(rsaKey, "imgtrust interop future signer", "future"), interKey, ext,
                now.plusDays(30), now.plusDays(400), certsDir.resolve(notYetValidCertId + ".pem"));

        // A root that is not trusted, issuing a signing certificate for the RSA key.
        Path rogueRootKey = genRsa("rogue-root");
        Path rogueRoot = work.resolve("rogue-root.pem");
        openssl("req", "-x509", "-new", "-key", rogueRootKey.toString(), "-subj", ORG + "/CN=Rogue Root CA",
                "-days", "3650", "-sha256", "-config", ext.toString(), "-extensions", "root_ca",
                "-out", rogueRoot.toString());
        issue(csr(rsaKey, "imgtrust interop signer under rogue root", "rogue-leaf"), rogueRoot, rogueRootKey, ext,
                "leaf", "sha256", 365, certsDir.resolve(untrustedRootCertId + ".pem"));

        // An impostor CA with exactly the trusted intermediate's subject name, but its own key.
        Path impostorKey = genEc("impostor", "secp384r1");
        Path impostor = work.resolve("impostor.pem");
        openssl("req", "-x509", "-new", "-key", impostorKey.toString(), "-subj", ORG + "/CN=" + INTERMEDIATE_CN,
                "-days", "3650", "-sha384", "-config", ext.toString(), "-extensions", "root_ca",
                "-out", impostor.toString());
        issue(csr(rsaKey, "imgtrust interop signer under impostor", "impostor-leaf"), impostor, impostorKey, ext,
                "leaf", "sha384", 365, certsDir.resolve(impostorIssuerCertId + ".pem"));

        // A non-CA "intermediate" (CA:FALSE but keyCertSign) that IS in a trusted directory, issuing a leaf.
        Path nonCaKey = genEc("non-ca", "secp384r1");
        Path nonCa = trustedNonCaDir.resolve("non-ca-intermediate.pem");
        issue(csr(nonCaKey, "Interop Non-CA Intermediate", "non-ca"), rootCert, rootKey, ext, "non_ca", "sha256",
                3650, nonCa);
        Files.copy(rootCert, trustedNonCaDir.resolve("root.pem"));
        Files.copy(intermediateCert, trustedNonCaDir.resolve("intermediate.pem"));
        issue(csr(rsaKey, "imgtrust interop signer under non-CA", "non-ca-leaf"), nonCa, nonCaKey, ext, "leaf",
                "sha384", 365, certsDir.resolve(nonCaIssuerCertId + ".pem"));

        // A sub-CA below the pathlen:0 intermediate (trusted), issuing a leaf: the path is one CA too long.
        Path subKey = genEc("sub-ca", "secp384r1");
        Path sub = trustedPathLenDir.resolve("sub-ca.pem");
        issue(csr(subKey, "Interop Sub CA", "sub-ca"), intermediateCert, interKey, ext, "sub_ca", "sha384", 3650, sub);
        Files.copy(rootCert, trustedPathLenDir.resolve("root.pem"));
        Files.copy(intermediateCert, trustedPathLenDir.resolve("intermediate.pem"));
        issue(csr(rsaKey, "imgtrust interop signer below sub CA", "sub-leaf"), sub, subKey, ext, "leaf", "sha384",
                365, certsDir.resolve(pathLenExceededCertId + ".pem"));

        // Sanity: openssl itself agrees with the shape of this PKI.
        assertThat(openssl("verify", "-x509_strict", "-CAfile", rootCert.toString(), "-untrusted",
                intermediateCert.toString(), leafCerts.get(KeyKind.RSA).toString()).stdout()).contains(": OK");
        Result expired = run(List.of(openssl(), "verify", "-CAfile", rootCert.toString(), "-untrusted",
                intermediateCert.toString(), certsDir.resolve(expiredCertId + ".pem").toString()));
        assertThat(expired.stdout() + expired.stderr()).as(expired.describe()).contains("certificate has expired");
        Result future = run(List.of(openssl(), "verify", "-CAfile", rootCert.toString(), "-untrusted",
                intermediateCert.toString(), certsDir.resolve(notYetValidCertId + ".pem").toString()));
        assertThat(future.stdout() + future.stderr()).as(future.describe()).contains("not yet valid");
        Result pathLen = run(List.of(openssl(), "verify", "-CAfile", rootCert.toString(), "-untrusted",
                intermediateCert.toString(), "-untrusted", sub.toString(),
                certsDir.resolve(pathLenExceededCertId + ".pem").toString()));
        assertThat(pathLen.exitCode()).as(pathLen.describe()).isNotZero();
    }

    private Path genRsa(String name) {
        Path key = work.resolve(name + ".key.pem");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
        return key;
    }

    private Path genEc(String name, String curve) {
        Path key = work.resolve(name + ".key.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + curve,
                "-pkeyopt", "ec_param_enc:named_curve", "-out", key.toString());
        return key;
    }

    private Path csr(Path key, String cn, String name) {
        Path csr = work.resolve(name + ".csr.pem");
        openssl("req", "-new", "-key", key.toString(), "-subj", ORG + "/CN=" + cn, "-out", csr.toString());
        return csr;
    }

    private void issue(Path csr, Path caCert, Path caKey, Path ext, String section, String md, int days, Path out) {
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-set_serial", Integer.toString(serial++), "-days", Integer.toString(days), "-" + md,
                "-extfile", ext.toString(), "-extensions", section, "-out", out.toString());
    }

    /** Issues a leaf from the intermediate with explicit dates, through `openssl ca` and a throwaway database. */
    private void caIssue(Path csr, Path interKey, Path ext, ZonedDateTime notBefore, ZonedDateTime notAfter, Path out)
            throws IOException {
        Path db = Files.createDirectories(work.resolve("ca-db-" + serial));
        Files.writeString(db.resolve("index.txt"), "");
        Files.writeString(db.resolve("serial"), Integer.toHexString(serial++) + "\n");
        Path cnf = db.resolve("ca.cnf");
        Files.writeString(cnf, String.join("\n",
                "[ca]",
                "default_ca = throwaway",
                "[throwaway]",
                "database = " + db.resolve("index.txt"),
                "serial = " + db.resolve("serial"),
                "new_certs_dir = " + db,
                "certificate = " + intermediateCert,
                "private_key = " + interKey,
                "default_md = sha384",
                "policy = anything",
                "unique_subject = no",
                "copy_extensions = none",
                "email_in_dn = no",
                "[anything]",
                "organizationName = optional",
                "commonName = supplied",
                ""));
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT);
        openssl("ca", "-batch", "-config", cnf.toString(), "-preserveDN", "-notext",
                "-extfile", ext.toString(), "-extensions", "leaf",
                "-startdate", f.format(notBefore), "-enddate", f.format(notAfter),
                "-in", csr.toString(), "-out", out.toString());
    }

    /** openssl hash option for a Glance hash method: "SHA-256" -> "-sha256". */
    static String dgstOption(String hashMethod) {
        return "-" + hashMethod.replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Signs the raw file bytes the way the Glance documentation shows; returns the raw signature. */
    byte[] sign(Path file, Path key, boolean pss, String hashMethod) throws IOException {
        Path sig = Files.createTempFile(work, "sig", ".bin");
        List<String> cmd = new ArrayList<>(List.of("dgst", dgstOption(hashMethod), "-sign", key.toString()));
        if (pss) {
            cmd.addAll(List.of("-sigopt", "rsa_padding_mode:pss"));
        }
        cmd.addAll(List.of("-out", sig.toString(), file.toString()));
        openssl(cmd.toArray(String[]::new));
        byte[] bytes = Files.readAllBytes(sig);
        Files.delete(sig);
        assertThat(bytes).isNotEmpty();
        return bytes;
    }

    /** The public key of a certificate, as openssl sees it. */
    Path publicKeyOf(Path cert) {
        Path pub = work.resolve(cert.getFileName() + ".pub.pem");
        openssl("x509", "-in", cert.toString(), "-pubkey", "-noout", "-out", pub.toString());
        return pub;
    }

    /** Runs openssl with the arguments and requires exit 0. */
    static Result openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(openssl());
        cmd.addAll(List.of(args));
        Result r = run(cmd);
        assertThat(r.exitCode()).as("openssl failed\n%s", r.describe()).isZero();
        return r;
    }

    /** Runs a command (argument list, no shell) with a timeout; stdout and stderr go through files. */
    static Result run(List<String> command) {
        try {
            Path out = Files.createTempFile("imgtrust-it-", ".out");
            Path err = Files.createTempFile("imgtrust-it-", ".err");
            try {
                Process p = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    fail("timed out after %s: %s%nstdout:%n%s%nstderr:%n%s", TIMEOUT, String.join(" ", command),
                            Files.readString(out), Files.readString(err));
                }
                return new Result(List.copyOf(command), p.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** The DER bytes of the first certificate in a PEM file, decoded here (not by the code under test). */
    static byte[] der(Path pemFile) throws IOException {
        String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
        int end = pem.indexOf("-----END CERTIFICATE-----");
        assertThat(begin).as("no certificate in %s", pemFile).isNotNegative();
        String body = pem.substring(begin + "-----BEGIN CERTIFICATE-----".length(), end);
        return Base64.getMimeDecoder().decode(body);
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256", bytes));
    }

    static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
