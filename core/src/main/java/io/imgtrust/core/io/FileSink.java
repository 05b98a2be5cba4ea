package io.imgtrust.core.io;

import io.imgtrust.core.digest.ImageSink;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An {@link ImageSink} that writes a raw image into a new sparse file: never-written blocks stay holes and read as
 * zeros. {@link #finish} sets the final size (growing the file sparsely, like {@code truncate}) and fsyncs.
 */
public final class FileSink implements ImageSink, AutoCloseable {
  private final RandomAccessFile file;
  private final FileChannel ch;

  private FileSink(RandomAccessFile file) {
    this.file = file;
    this.ch = file.getChannel();
  }

  /** Creates {@code path}, which must not exist, with mode {@code rw-------}. */
  public static FileSink create(Path path) throws IOException {
    Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return new FileSink(new RandomAccessFile(path.toFile(), "rw"));
  }

  @Override
  public void write(ByteBuffer data, long offset) throws IOException {
    long pos = offset;
    while (data.hasRemaining()) {
      pos += ch.write(data, pos);
    }
  }

  /** Makes the file exactly {@code size} bytes (holes where nothing was written) and flushes it to disk. */
  public void finish(long size) throws IOException {
    file.setLength(size);
    ch.force(true);
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
