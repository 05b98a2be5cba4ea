package io.imgtrust.core.io;

import io.imgtrust.core.ImageTrustException;
import java.nio.channels.ReadableByteChannel;

/**
 * Where a cache fill reads an image's bytes from, once, from the first byte to the last: a download (the Glance
 * client's) or a local file. The fill opens it only after it holds the entry's lock, so a fill that finds the entry
 * already cached never opens it.
 *
 * <p>A source reports its own failures as typed errors: its channel throws {@link SourceFailure} (for example a
 * stalled download, or bytes that fail a transport check), which the fill rethrows as the
 * {@link ImageTrustException} it carries. Other {@link java.io.IOException}s become {@code IO_ERROR}.
 */
public interface ImageSource {
  /** Opens the bytes at their start; the caller reads to the end and closes the channel. */
  ReadableByteChannel open() throws ImageTrustException;

  /** What the bytes are, for messages (a URL, a file name); never a secret. */
  String describe();
}
