package io.imgtrust.backend.lvm;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.ImageBackendProvider;

/**
 * Provides the lvm backend ({@code images_type = lvm}) and declares Nova's options {@code [libvirt]
 * images_volume_group}, {@code volume_clear} and {@code volume_clear_size}.
 */
public final class LvmBackendProvider implements ImageBackendProvider {
  @Override
  public String id() {
    return "lvm";
  }

  @Override
  public ImmutableList<BackendOption> options() {
    return LvmSettings.OPTIONS;
  }

  /**
   * {@inheritDoc}
   *
   * @throws ImageTrustException {@code BAD_CONFIG} for a volume group name lvm2 would not accept
   */
  @Override
  public ImageBackend create(BackendContext context) throws ImageTrustException {
    return new LvmBackend(context, LvmSettings.read(context.settings()));
  }
}
