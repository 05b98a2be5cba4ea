package io.imgtrust.core.io;

import static com.google.common.base.Preconditions.checkNotNull;

import io.imgtrust.core.ImageTrustException;
import java.io.IOException;

/**
 * A typed failure of an {@link ImageSource}'s channel, carried through code that reads channels: the reader of a
 * fill rethrows {@link #failure()} unchanged instead of reporting an {@code IO_ERROR}.
 */
public final class SourceFailure extends IOException {
  private static final long serialVersionUID = 1L;

  private final ImageTrustException failure;

  public SourceFailure(ImageTrustException failure) {
    super(failure.getMessage(), failure);
    this.failure = checkNotNull(failure);
  }

  /** The typed failure to report. */
  public ImageTrustException failure() {
    return failure;
  }
}
