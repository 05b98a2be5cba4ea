package io.imgtrust.backend.ploop;

import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.ImageBackendProvider;

/**
 * Provides the ploop backend ({@code images_type = ploop}); {@code [ploop] format} ({@code expanded} or {@code raw},
 * already checked by the configuration loader) selects the layout of {@code root.hds}. Registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services}.
 */
public final class PloopBackendProvider implements ImageBackendProvider {
  @Override
  public String id() {
    return "ploop";
  }

  @Override
  public ImageBackend create(BackendContext context) {
    return new PloopBackend(context, PloopFormat.from(context.config()));
  }
}
