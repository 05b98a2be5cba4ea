package io.imgtrust.backend.rbd;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.ImageBackendProvider;
import java.util.Optional;

/**
 * Provides the rbd backend ({@code images_type = rbd}). It declares Nova's {@code [libvirt]} options
 * ({@code images_rbd_pool}, {@code images_rbd_ceph_conf}, {@code rbd_user}, {@code rbd_secret_uuid},
 * {@code rbd_connect_timeout}) and its own {@code [rbd]} ones ({@code mode}, {@code cluster_key_file},
 * {@code recheck}). Creating the backend does not connect: the first prepare or remove does. Registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services}.
 */
public final class RbdBackendProvider implements ImageBackendProvider {
  @Override
  public String id() {
    return "rbd";
  }

  @Override
  public ImmutableList<BackendOption> options() {
    return RbdSettings.ALL;
  }

  /**
   * A new rbd backend.
   *
   * @throws ImageTrustException {@code BAD_CONFIG} for a bad option value, or in clone mode a cluster key that is
   *     missing, too short or readable by others
   */
  @Override
  public ImageBackend create(BackendContext context) throws ImageTrustException {
    RbdSettings s = RbdSettings.from(context.settings());
    return new RbdBackend(context, s, s.cloneMode ? Optional.of(ClusterKey.load(s.clusterKeyFile))
        : Optional.empty());
  }
}
