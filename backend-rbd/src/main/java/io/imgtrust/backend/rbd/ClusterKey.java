package io.imgtrust.backend.rbd;

import com.google.common.collect.ImmutableMap;
import com.google.common.io.BaseEncoding;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.EnumSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster key ({@code [rbd] cluster_key_file}): an HMAC-SHA256 key every host of a cluster shares, which seals the
 * verification records of verified bases, so that someone who can write RBD image metadata cannot forge one. The
 * operator makes it ({@code head -c 32 /dev/urandom > FILE; chmod 600 FILE}) and distributes it like any shared
 * secret. It must be a regular file (not a symbolic link), mode 0600 or stricter, of at least 32 bytes. Immutable.
 */
final class ClusterKey {
  private static final int MIN_BYTES = 32;
  private final byte[] key;
  private final String fingerprint;

  private ClusterKey(byte[] key) {
    this.key = key;
    this.fingerprint = mac("imgtrust cluster key fingerprint v1").substring(0, 16);
  }

  /**
   * Reads the key.
   *
   * @throws ImageTrustException {@code BAD_CONFIG} when it is missing, too short, a symbolic link or readable by
   *     group or others (the message says how to make one)
   */
  static ClusterKey load(Path file) throws ImageTrustException {
    try {
      PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        throw bad(file, "is not a regular file");
      }
      if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
          .containsAll(a.permissions())) {
        throw bad(file, "must be mode 0600 (chmod 600 " + file + ")");
      }
      byte[] k = Files.readAllBytes(file);
      if (k.length < MIN_BYTES) {
        throw bad(file, "holds " + k.length + " bytes, fewer than " + MIN_BYTES);
      }
      return new ClusterKey(k);
    } catch (IOException e) {
      throw bad(file, "cannot be read (" + e.getMessage() + "); make it on one host with `head -c 32 /dev/urandom > "
          + file + "; chmod 600 " + file + "` and copy it to every host of the cluster");
    }
  }

  /** HMAC-SHA256 of {@code text} (UTF-8), lower-case hex. */
  String mac(String text) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return BaseEncoding.base16().lowerCase().encode(m.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is in every JDK", e);
    }
  }

  /**
   * A name of the key that can be shown and stored beside what it seals: the first 16 hex digits of its MAC of a fixed
   * label. It tells two keys apart and reveals nothing of the key.
   */
  String fingerprint() {
    return fingerprint;
  }

  /** Whether {@code mac} is the MAC of {@code text}, compared in constant time. */
  boolean verifies(String text, String mac) {
    return MessageDigest.isEqual(mac(text).getBytes(StandardCharsets.US_ASCII),
        mac.getBytes(StandardCharsets.US_ASCII));
  }

  private static ImageTrustException bad(Path file, String what) {
    return ImageTrustException.of(Reason.BAD_CONFIG, "[rbd] cluster_key_file " + file + " " + what,
        ImmutableMap.of("section", "rbd", "option", "cluster_key_file", "value", file.toString()));
  }
}
