package io.imgtrust.core.spi;

import static com.google.common.base.Preconditions.checkNotNull;

import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ImgtrustConfig;

/** What a backend gets from the host: the configuration and the image cache. Immutable. */
public final class BackendContext {
  private final ImgtrustConfig config;
  private final ImageCache cache;

  private BackendContext(ImgtrustConfig config, ImageCache cache) {
    this.config = checkNotNull(config);
    this.cache = checkNotNull(cache);
  }

  public static BackendContext of(ImgtrustConfig config, ImageCache cache) {
    return new BackendContext(config, cache);
  }

  public ImgtrustConfig config() {
    return config;
  }

  public ImageCache cache() {
    return cache;
  }
}
