package io.imgtrust.core.testing;

import io.imgtrust.core.metadata.KeyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates and keys for tests, made with Bouncy Castle's JCA provider (independent of the code under test). */
public final class TestPki {
  public static final Provider BC = new BouncyCastleProvider();
  private static final AtomicLong SERIAL = new AtomicLong(1000);
  private static final ConcurrentHashMap<KeyType, KeyPair> CACHE = new ConcurrentHashMap<>();

  private TestPki() {}

  /** A key pair of {@code type}, shared across tests (generation is slow for some types). */
  public static KeyPair key(KeyType type) {
    return CACHE.computeIfAbsent(type, TestPki::freshKey);
  }

  /** A new key pair of {@code type}. */
  public static KeyPair freshKey(KeyType type) {
    try {
      if (type == KeyType.RSA_PSS) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      } else if (type == KeyType.DSA) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("DSA");
        g.initialize(2048);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
      g.initialize(new ECGenParameterSpec(type.curve().orElseThrow()));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An EC key on a curve that has no Glance key type. */
  public static KeyPair p256Key() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate and its key pair. */
  public static final class Issued {
    public final X509CertificateHolder cert;
    public final KeyPair key;

    Issued(X509CertificateHolder cert, KeyPair key) {
      this.cert = cert;
      this.key = key;
    }

    public void writePem(Path file) {
      TestPki.writePem(file, cert);
    }

    public void writeDer(Path file) {
      try {
        Files.write(file, cert.getEncoded());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public void writeKeyPem(Path file) {
      TestPki.writePem(file, key.getPrivate());
    }
  }

  public static Builder cert(String cn) {
    return new Builder(cn);
  }

  /** Builds one certificate; by default a leaf valid from an hour ago for a day, self-signed. */
  public static final class Builder {
    private final X500Name subject;
    private KeyPair key = TestPki.key(KeyType.RSA_PSS);
    private Issued issuer;
    private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(1));
    private Boolean ca;
    private Integer pathLen;
    private Integer keyUsage;

    Builder(String cn) {
      this.subject = new X500Name("CN=" + cn + ",O=imgtrust tests");
    }

    public Builder key(KeyPair key) {
      this.key = key;
      return this;
    }

    public Builder issuer(Issued issuer) {
      this.issuer = issuer;
      return this;
    }

    public Builder validity(Instant notBefore, Instant notAfter) {
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      return this;
    }

    /** A CA with keyCertSign. */
    public Builder ca() {
      this.ca = true;
      this.keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
      return this;
    }

    public Builder pathLen(int pathLen) {
      this.pathLen = pathLen;
      return this;
    }

    /** Sets basicConstraints CA to {@code value}; {@code null} leaves the extension out. */
    public Builder basicConstraintsCa(Boolean value) {
      this.ca = value;
      return this;
    }

    /** Sets the keyUsage bits; {@code null} leaves the extension out. */
    public Builder keyUsage(Integer bits) {
      this.keyUsage = bits;
      return this;
    }

    public Issued build() {
      try {
        X500Name issuerName = issuer == null ? subject : issuer.cert.getSubject();
        KeyPair signer = issuer == null ? key : issuer.key;
        var b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore), Date.from(notAfter), subject, key.getPublic());
        if (ca != null) {
          b.addExtension(Extension.basicConstraints, true,
              pathLen == null || !ca ? new BasicConstraints(ca) : new BasicConstraints(pathLen));
        }
        if (keyUsage != null) {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        }
        String alg = signatureAlgorithm(signer);
        return new Issued(b.build(new JcaContentSignerBuilder(alg).setProvider(BC).build(signer.getPrivate())),
            key);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static String signatureAlgorithm(KeyPair k) {
    switch (k.getPublic().getAlgorithm()) {
      case "RSA":
        return "SHA256withRSA";
      case "DSA":
        return "SHA256withDSA";
      default:
        return "SHA384withECDSA";
    }
  }

  /** Writes {@code o} as PEM; private keys as PKCS#8 ("PRIVATE KEY"), as {@code openssl genpkey} does. */
  public static void writePem(Path file, Object o) {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      if (o instanceof java.security.PrivateKey) {
        pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator((java.security.PrivateKey) o, null));
      } else {
        pem.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
