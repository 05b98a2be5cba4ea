package io.imgtrust.backend.ploop;

import io.imgtrust.core.digest.ImageSink;
import java.io.Closeable;
import java.io.IOException;

/** The {@code root.hds} being written: a sink for the verified copy, then finished (metadata, size, fsync). */
interface RootImage extends ImageSink, Closeable {
  /** Completes the image after the copy verified: writes its metadata, sets its size and flushes it to disk. */
  void finish() throws IOException;
}
