package io.imgtrust.core.trust;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing certificates by id, and the trusted certificates they must chain to.
 *
 * <p>A signing certificate with id {@code ID} is the file {@code ID.pem} or {@code ID.der} in the certificate
 * directory (this stands where Nova uses a key manager). The trusted set is every certificate in the trusted
 * directory's files plus the certificates named by trusted ids; roots and intermediates both belong there. As in
 * cursive, a trusted file that does not parse is logged and skipped. Immutable once loaded; thread-safe.
 */
public final class TrustStore {
  private static final Logger log = LoggerFactory.getLogger(TrustStore.class);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

  private final Path certificatesDir;
  private final ImmutableList<Certificate> trusted;

  private TrustStore(Path certificatesDir, ImmutableList<Certificate> trusted) {
    this.certificatesDir = certificatesDir;
    this.trusted = trusted;
  }

  /**
   * Loads the trusted set.
   *
   * @param certificatesDir where certificates are looked up by id
   * @param trustedDir a directory of trusted certificates (PEM or DER), if configured; a missing one is empty
   * @param trustedIds ids of trusted certificates in {@code certificatesDir}
   */
  public static TrustStore load(Path certificatesDir, Optional<Path> trustedDir, List<String> trustedIds)
      throws ImageTrustException {
    ImmutableList.Builder<Certificate> trusted = ImmutableList.builder();
    if (trustedDir.isPresent()) {
      for (Path f : listFiles(trustedDir.get())) {
        trusted.addAll(readTrusted(f));
      }
    }
    for (String id : trustedIds) {
      Optional<Path> f = findById(certificatesDir, id);
      if (f.isEmpty()) {
        log.warn("trusted certificate id {} not found in {}; ignored", id, certificatesDir);
      } else {
        trusted.addAll(readTrusted(f.get()));
      }
    }
    return new TrustStore(certificatesDir, trusted.build());
  }

  /** How many trusted certificates were loaded. */
  public int trustedCount() {
    return trusted.size();
  }

  /**
   * The signing certificate {@code certificateId}, validated at {@code now}.
   *
   * @throws ImageTrustException {@code CERT_NOT_FOUND}, {@code MALFORMED_CERTIFICATE}, {@code CERT_EXPIRED},
   *     {@code CERT_NOT_YET_VALID} or {@code CERT_UNTRUSTED}
   */
  public TrustedSigner signer(String certificateId, Instant now) throws ImageTrustException {
    if (!ID.matcher(certificateId).matches()) {
      throw ImageTrustException.of(Reason.CERT_NOT_FOUND, "certificate id '" + certificateId + "' is not valid");
    }
    Path file = findById(certificatesDir, certificateId).orElseThrow(() -> ImageTrustException.of(
        Reason.CERT_NOT_FOUND, "no certificate " + certificateId + ".pem or .der in " + certificatesDir));
    Certificate leaf;
    try {
      leaf = CertificateFiles.read(file).get(0);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.CERT_NOT_FOUND, "cannot read " + file + ": " + IoErrors.describe(e), e);
    }
    if (trusted.isEmpty()) {
      throw ImageTrustException.of(Reason.CERT_UNTRUSTED, "no trusted certificates are configured");
    }
    ImmutableList<Certificate> path = new ChainValidator(trusted).validate(leaf, now);
    return new TrustedSigner(certificateId, leaf, path);
  }

  private static Optional<Path> findById(Path dir, String id) {
    for (String ext : new String[] {".pem", ".der"}) {
      Path f = dir.resolve(id + ext);
      if (Files.isRegularFile(f)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  private static ImmutableList<Path> listFiles(Path dir) throws ImageTrustException {
    ImmutableList.Builder<Path> out = ImmutableList.builder();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      log.warn("trusted certificate directory {} does not exist", dir);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot list " + dir + ": " + IoErrors.describe(e), e);
    }
    return ImmutableList.sortedCopyOf(out.build());
  }

  private static ImmutableList<Certificate> readTrusted(Path f) {
    try {
      return CertificateFiles.read(f);
    } catch (ImageTrustException | IOException e) {
      log.warn("trusted certificate {} skipped: {}", f, e.getMessage());
      return ImmutableList.of();
    }
  }
}
