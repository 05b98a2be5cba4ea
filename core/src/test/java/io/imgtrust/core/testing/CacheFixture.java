package io.imgtrust.core.testing;

import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.ImageMetadata;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

/**
 * A fresh image cache in a temporary directory, with a config ({@code instances_path}, host key, trust dirs) and
 * helpers to make images and to corrupt cache files the way bit rot does (same size, same mtime).
 */
public final class CacheFixture {
  public final Path root;
  public final Path config;
  public final ImgtrustConfig conf;
  public final ImageCache cache;

  private CacheFixture(Path root, Path config, ImgtrustConfig conf, ImageCache cache) {
    this.root = root;
    this.config = config;
    this.conf = conf;
    this.cache = cache;
  }

  /**
   * A cache under {@code root}; {@code extraConfig} lines are appended (e.g. {@code [ploop]\nformat = raw}). Cache
   * files are not made immutable ({@code immutable_files = false}: JUnit could not remove them) unless
   * {@code extraConfig} sets {@code immutable_files}; a test that does must clear the flags itself.
   */
  public static CacheFixture create(Path root, String extraConfig) throws IOException, ImageTrustException {
    Path config = Files.createDirectories(root).resolve("imgtrust.conf");
    String immutable = extraConfig.contains("immutable_files") ? "" : "immutable_files = false";
    Files.writeString(config, String.join("\n", "[DEFAULT]", "instances_path = " + root.resolve("instances"),
        "[image_cache]", immutable, "[verification]", "host_key_file = " + root.resolve("keys/host.key"),
        "certificates_dir = " + root.resolve("certs"), "trusted_certs_dir = " + root.resolve("trusted"), "")
        + extraConfig + "\n");
    ImgtrustConfig conf = ConfigLoader.load(config);
    return new CacheFixture(root, config, conf, ImageCache.open(conf));
  }

  /** Random bytes of {@code size}, from {@code seed}. */
  public static byte[] randomImage(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Metadata of a raw image with a sha256 multihash. */
  public static ImageMetadata rawMetadata(String id, byte[] image) {
    return ImageMetadata.builder().id(id).diskFormat("raw").size(image.length)
        .multihash(ImageMetadata.Digest.of(HashAlgorithm.SHA256, HashAlgorithm.SHA256.newDigest().digest(image)))
        .build();
  }

  /** Writes {@code image} to a download file and fills the cache with it. */
  public CacheEntry add(String id, byte[] image) throws IOException, ImageTrustException {
    Path download = Files.createDirectories(root.resolve("downloads")).resolve(id);
    Files.write(download, image);
    return cache.add(download, rawMetadata(id, image));
  }

  /** Flips one bit at {@code offset} of a (read-only) cache file, keeping its size and mtime: bit rot. */
  public static void rot(Path file, long offset) throws IOException {
    FileTime mtime = Files.getLastModifiedTime(file);
    var perms = Files.getPosixFilePermissions(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x10);
    }
    Files.setPosixFilePermissions(file, perms);
    Files.setLastModifiedTime(file, mtime);
  }

  /** Hex SHA-256 of bytes, for assertions. */
  public static String sha256(byte[] b) {
    return HashCode.fromBytes(HashAlgorithm.SHA256.newDigest().digest(b)).toString();
  }
}
