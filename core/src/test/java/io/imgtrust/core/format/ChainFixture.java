package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throwaway host layout for backing-chain tests: an image cache (the one allowed directory), an instance directory
 * holding top images, and a directory outside the cache.
 */
final class ChainFixture {
  final Path root;
  final Path cache;
  final Path instance;
  final Path outside;

  ChainFixture(Path root) throws IOException {
    this.root = root.toRealPath();
    this.cache = Files.createDirectories(this.root.resolve("cache"));
    this.instance = Files.createDirectories(this.root.resolve("instances/vm1"));
    this.outside = Files.createDirectories(this.root.resolve("outside"));
  }

  /** A qcow2 image (v3 unless changed) naming {@code backing} with format {@code format} (either may be null). */
  static TestImages.Qcow2 qcow2(String backing, String format) {
    return new TestImages.Qcow2().backing(backing, format);
  }

  static Path write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return file;
  }

  static Path write(Path file, TestImages.Qcow2 image) throws IOException {
    return write(file, image.build());
  }

  /** A sparse raw file of {@code size} bytes. */
  static Path raw(Path file, long size) throws IOException {
    Files.createDirectories(file.getParent());
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
    return file;
  }

  BackingChain read(Path top) throws ImageTrustException {
    return read(top, BackingChain.DEFAULT_MAX_DEPTH);
  }

  BackingChain read(Path top, int maxDepth) throws ImageTrustException {
    return BackingChain.read(top, ImageFormat.QCOW2, List.of(cache), maxDepth);
  }

  /** The refusal reading the chain at {@code top} must give. */
  ImageTrustException refusal(Path top) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> read(top));
    assertThat(e).as("expected a refusal for %s", top).isNotNull();
    return e;
  }
}
