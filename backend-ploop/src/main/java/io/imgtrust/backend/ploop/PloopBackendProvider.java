package io.imgtrust.backend.ploop;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.ImageBackendProvider;

/**
 * Provides the ploop backend ({@code images_type = ploop}); {@code [ploop] format} ({@code expanded} or {@code raw},
 * declared by {@link #options()}, checked by the configuration loader) selects the layout of {@code root.hds}. Registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services}.
 */
public final class PloopBackendProvider implements ImageBackendProvider {
  @Override
  public String id() {
    return "ploop";
  }

  @Override
  public ImmutableList<BackendOption> options() {
    return ImmutableList.of(PloopFormat.OPTION);
  }

  @Override
  public ImageBackend create(BackendContext context) throws ImageTrustException {
    return new PloopBackend(context, PloopFormat.from(context.settings()));
  }
}
