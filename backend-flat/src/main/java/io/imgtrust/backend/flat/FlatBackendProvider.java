package io.imgtrust.backend.flat;

import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.ImageBackendProvider;

/** Provides the flat backend ({@code images_type = flat}, or {@code raw}, as in Nova). */
public final class FlatBackendProvider implements ImageBackendProvider {
  @Override
  public String id() {
    return "flat";
  }

  @Override
  public ImageBackend create(BackendContext context) {
    return new FlatBackend(context);
  }
}
