package io.imgtrust.core.internal.ledger;

import com.google.common.io.BaseEncoding;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.StrictModes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's secret HMAC-SHA256 key that seals ledger records. Kept outside the image cache; created with mode 0600
 * on first use (atomically, so concurrent first uses agree on one key). The key bytes never leave this class.
 */
public final class HostKey {
  private static final Logger log = LoggerFactory.getLogger(HostKey.class);
  private static final int BYTES = 32;
  private static final int MAX_BYTES = 4096;

  private final SecretKeySpec key;

  private HostKey(byte[] raw) {
    this.key = new SecretKeySpec(raw, "HmacSHA256");
  }

  /**
   * Loads the key at {@code file}, creating it (0600, a missing parent directory 0700) when missing. The key's
   * directory is checked like the cache's ({@link StrictModes#checkDirectory}) and the key must be a regular file
   * owned by root or this user with mode 0600 or stricter: whoever can read it can forge records, whoever can write
   * its directory can replace it.
   *
   * @throws ImageTrustException {@code UNSAFE_CACHE} naming the path and the fix; {@code BAD_CONFIG} for a malformed
   *     key; {@code IO_ERROR}
   */
  public static HostKey loadOrCreate(Path file) throws ImageTrustException {
    Path abs = file.toAbsolutePath();
    try {
      createDirectory(abs.getParent());
      StrictModes.checkDirectory("host key directory", abs.getParent());
      if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        create(abs);
      }
      StrictModes.checkSecretFile("host key", abs);
      return new HostKey(read(abs));
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "host key " + file + ": " + IoErrors.describe(e), e);
    }
  }

  /** A key from raw bytes (tests). */
  public static HostKey of(byte[] raw) {
    if (raw.length < 16) {
      throw new IllegalArgumentException("host key too short");
    }
    return new HostKey(raw.clone());
  }

  private static void createDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.getParent());
      StrictModes.createDirectory(dir, "rwx------");
    }
  }

  private static void create(Path file) throws IOException {
    byte[] raw = new byte[BYTES];
    new SecureRandom().nextBytes(raw);
    try {
      byte[] text = (BaseEncoding.base16().lowerCase().encode(raw) + "\n").getBytes(StandardCharsets.US_ASCII);
      AtomicFiles.create(file, text, "rw-------");
      log.info("created host key {}", file);
    } catch (FileAlreadyExistsException e) {
      log.debug("host key {} was created concurrently", file);
    }
  }

  private static byte[] read(Path file) throws IOException, ImageTrustException {
    String text;
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      text = new String(in.readNBytes(MAX_BYTES), StandardCharsets.US_ASCII).strip();
    }
    try {
      byte[] raw = BaseEncoding.base16().lowerCase().decode(text);
      if (raw.length < 16) {
        throw new IllegalArgumentException("short");
      }
      return raw;
    } catch (IllegalArgumentException e) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, "host key " + file + " is not at least 32 hex digits");
    }
  }

  /** Initialises the security providers behind {@link #mac} (about 20 ms at a process's first HMAC). */
  static void preload() {
    new HostKey(new byte[BYTES]).mac(new byte[1]);
  }

  /** HMAC-SHA256 of {@code data} under this key. */
  byte[] mac(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
