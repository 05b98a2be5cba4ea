package io.imgtrust.core.format;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An untrusted image opened read-only without following a final symlink, read only in small bounded pieces.
 *
 * <p>Every read is capped at {@link #MAX_READ} bytes, so a header field can never make the inspector allocate much.
 * I/O failures become {@code FILE_UNREADABLE}; a read that the file is too short for becomes {@code UNSAFE_IMAGE}.
 */
final class ImageFile implements Closeable {
  /** The largest single read (a 2 MiB qcow2 cluster fits). */
  static final int MAX_READ = 4 << 20;

  private final Path path;
  private final FileChannel channel;
  private final long size;

  private ImageFile(Path path, FileChannel channel, long size) {
    this.path = path;
    this.channel = channel;
    this.size = size;
  }

  /** Opens {@code path} if it is a regular file (not a symlink, directory, device or pipe). */
  static ImageFile open(Path path) throws ImageTrustException {
    try {
      BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink()) {
        throw unreadable(path, "is a symbolic link");
      }
      if (!attrs.isRegularFile()) {
        throw unreadable(path, "not a regular file");
      }
      FileChannel channel =
          FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      try {
        return new ImageFile(path, channel, channel.size());
      } catch (IOException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw IoErrors.unreadable("image " + path, e);
    }
  }

  private static ImageTrustException unreadable(Path path, String why) {
    return ImageTrustException.of(
        Reason.FILE_UNREADABLE, "cannot read image " + path + ": " + why, ImmutableMap.of("file", path.toString()));
  }

  /** The file size in bytes when it was opened. */
  long size() {
    return size;
  }

  /** Up to {@code length} bytes at {@code offset}; shorter at end of file, empty past it. Big-endian buffer. */
  ByteBuffer readAt(long offset, int length) throws ImageTrustException {
    checkArgument(offset >= 0 && length >= 0 && length <= MAX_READ, "bad read %s+%s", offset, length);
    if (offset >= size) {
      return ByteBuffer.allocate(0);
    }
    int wanted = (int) Math.min(length, size - offset);
    ByteBuffer buffer = ByteBuffer.allocate(wanted);
    try {
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, offset + buffer.position());
        if (n < 0) {
          break;
        }
      }
    } catch (IOException e) {
      throw IoErrors.unreadable("image " + path, e);
    }
    buffer.flip();
    return buffer;
  }

  /** Exactly {@code length} bytes at {@code offset}, or {@code UNSAFE_IMAGE} naming {@code what} as truncated. */
  ByteBuffer readExactly(long offset, int length, ImageFormat format, String what) throws ImageTrustException {
    if (offset < 0 || length < 0 || length > MAX_READ) {
      throw Refusals.malformed(format, what + " at offset " + offset + " (" + length + " bytes) is out of range");
    }
    ByteBuffer buffer = readAt(offset, length);
    if (buffer.remaining() < length) {
      throw Refusals.malformed(format, "truncated " + what + " (file ends at " + size + ")");
    }
    return buffer;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
