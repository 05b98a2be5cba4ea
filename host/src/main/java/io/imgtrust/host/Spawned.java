package io.imgtrust.host;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.spi.PreparedDisk;
import java.util.Optional;

/**
 * The result of a spawn: the prepared disk (its libvirt {@code <disk>} element and verification report), the backend
 * that made it, step timings in milliseconds ({@code cache_ms}, {@code prepare_ms}), and for a boot the domain.
 * Immutable.
 */
public final class Spawned {
  private final PreparedDisk disk;
  private final String backend;
  private final ImmutableMap<String, Long> timingsMs;
  private final Optional<BootedDomain> domain;

  Spawned(PreparedDisk disk, String backend, ImmutableMap<String, Long> timingsMs, Optional<BootedDomain> domain) {
    this.disk = checkNotNull(disk);
    this.backend = checkNotNull(backend);
    this.timingsMs = checkNotNull(timingsMs);
    this.domain = checkNotNull(domain);
  }

  Spawned withDomain(BootedDomain d) {
    return new Spawned(disk, backend, timingsMs, Optional.of(d));
  }

  public PreparedDisk disk() {
    return disk;
  }

  /** The backend's one-line description (what and where). */
  public String backend() {
    return backend;
  }

  /** Milliseconds per step, in order: {@code cache_ms} (entry or fill), {@code prepare_ms} (the backend). */
  public ImmutableMap<String, Long> timingsMs() {
    return timingsMs;
  }

  /** The domain, after {@link ImgtrustHost#boot}; empty after {@link ImgtrustHost#prepare}. */
  public Optional<BootedDomain> domain() {
    return domain;
  }
}
