package io.imgtrust.core.trust;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;

/** Reads certificates from PEM (one or more blocks) or DER files, bounded in size. */
final class CertificateFiles {
  static final int MAX_BYTES = 1 << 20;

  private CertificateFiles() {}

  /** Every certificate in {@code file}; a file without any, or one that does not parse, is malformed. */
  static ImmutableList<Certificate> read(Path file) throws ImageTrustException, IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw malformed(file, "larger than " + MAX_BYTES + " bytes");
    }
    try {
      ImmutableList<Certificate> certs = looksLikePem(bytes) ? pem(bytes, file) : der(bytes, file);
      if (certs.isEmpty()) {
        throw malformed(file, "no certificate in it");
      }
      return certs;
    } catch (IOException | RuntimeException e) {
      throw ImageTrustException.wrap(
          Reason.MALFORMED_CERTIFICATE, "certificate " + file + " does not parse: " + e.getMessage(), e);
    }
  }

  private static boolean looksLikePem(byte[] bytes) {
    String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII);
    return head.contains("-----BEGIN ");
  }

  private static ImmutableList<Certificate> pem(byte[] bytes, Path file) throws IOException {
    ImmutableList.Builder<Certificate> out = ImmutableList.builder();
    try (Reader r = new InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
        PEMParser p = new PEMParser(r)) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof X509CertificateHolder) {
          out.add(new Certificate((X509CertificateHolder) o));
        }
      }
    }
    return out.build();
  }

  private static ImmutableList<Certificate> der(byte[] bytes, Path file) throws IOException {
    return ImmutableList.of(new Certificate(new X509CertificateHolder(bytes)));
  }

  private static ImageTrustException malformed(Path file, String problem) {
    return ImageTrustException.of(Reason.MALFORMED_CERTIFICATE, "certificate " + file + ": " + problem);
  }
}
