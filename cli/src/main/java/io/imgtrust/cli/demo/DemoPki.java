package io.imgtrust.cli.demo;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA and signing certificate for the demo. Not for production use. */
public final class DemoPki {
  private final X509CertificateHolder root;
  private final KeyPair signingKey;
  private final X509CertificateHolder signing;

  private DemoPki(X509CertificateHolder root, KeyPair signingKey, X509CertificateHolder signing) {
    this.root = root;
    this.signingKey = signingKey;
    this.signing = signing;
  }

  /** A root CA valid for a day and an RSA signing certificate it issued. */
  public static DemoPki create() throws GeneralSecurityException, IOException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair rootKey = g.generateKeyPair();
    KeyPair signingKey = g.generateKeyPair();
    X500Name rootName = new X500Name("CN=imgtrust demo root CA,O=imgtrust demo");
    X500Name signingName = new X500Name("CN=imgtrust demo image signer,O=imgtrust demo");
    X509CertificateHolder root = issue(rootName, rootName, rootKey, rootKey, true);
    X509CertificateHolder signing = issue(rootName, signingName, rootKey, signingKey, false);
    return new DemoPki(root, signingKey, signing);
  }

  private static X509CertificateHolder issue(X500Name issuer, X500Name subject, KeyPair issuerKey, KeyPair key,
      boolean ca) throws IOException {
    Instant now = Instant.now();
    var b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
        key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    try {
      return b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey.getPrivate()));
    } catch (OperatorCreationException e) {
      throw new IOException("cannot sign certificate", e);
    }
  }

  /** Writes the root CA certificate (PEM), the trust anchor. */
  public void writeRoot(Path file) throws IOException {
    writePem(file, root);
  }

  /** Writes the signing certificate (PEM) the root issued. */
  public void writeSigningCertificate(Path file) throws IOException {
    writePem(file, signing);
  }

  /** Writes the private key, readable by its owner only. */
  public void writeSigningKey(Path file) throws IOException {
    Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(signingKey.getPrivate());
    }
  }

  private static void writePem(Path file, Object o) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(o);
    }
  }

}
