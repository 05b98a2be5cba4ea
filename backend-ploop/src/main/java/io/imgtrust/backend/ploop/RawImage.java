package io.imgtrust.backend.ploop;

import io.imgtrust.core.io.FileSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A raw {@code root.hds} ({@code format = raw}): a sparse copy of the bytes, grown to the virtual size. */
final class RawImage implements RootImage {
  private final FileSink sink;
  private final long size;

  private RawImage(FileSink sink, long size) {
    this.sink = sink;
    this.size = size;
  }

  /** Creates {@code file}, which must not exist, for a disk of {@code size} bytes. */
  static RawImage create(Path file, long size) throws IOException {
    return new RawImage(FileSink.create(file), size);
  }

  @Override
  public void write(ByteBuffer data, long offset) throws IOException {
    if (offset + data.remaining() > size) {
      throw new IOException("write of " + data.remaining() + " bytes at " + offset + " exceeds the disk size " + size);
    }
    sink.write(data, offset);
  }

  @Override
  public void finish() throws IOException {
    sink.finish(size);
  }

  @Override
  public void close() throws IOException {
    sink.close();
  }
}
