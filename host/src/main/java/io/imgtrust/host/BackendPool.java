package io.imgtrust.host;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.Backends;
import io.imgtrust.core.spi.ImageBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends of one host: created on first use, once per images_type (after Nova's aliases), kept until
 * {@link #closeAll}. Thread-safe: creation is guarded, so concurrent first uses of a type make one backend.
 */
final class BackendPool {
  private static final Logger log = LoggerFactory.getLogger(BackendPool.class);

  private final ImgtrustConfig config;
  private final ImageCache cache;
  private final Map<String, ImageBackend> byType = new LinkedHashMap<>();

  BackendPool(ImgtrustConfig config, ImageCache cache) {
    this.config = config;
    this.cache = cache;
  }

  /** The backend of {@code type} (an images_type value), or of {@code [libvirt] images_type} when null. */
  synchronized ImageBackend get(String type) throws ImageTrustException {
    String canonical = Backends.canonicalType(type != null ? type : config.string(Key.IMAGES_TYPE));
    ImageBackend b = byType.get(canonical);
    if (b == null) {
      b = newBackend(canonical);
      byType.put(canonical, b);
    }
    return b;
  }

  /** The one place a backend is created. */
  private ImageBackend newBackend(String type) throws ImageTrustException {
    return Backends.create(BackendContext.of(config, cache), type);
  }

  /**
   * Closes every backend made so far; every one is tried, then the first failure is thrown ({@code IO_ERROR}), the
   * others suppressed in it.
   */
  synchronized void closeAll() throws ImageTrustException {
    List<RuntimeException> failures = new ArrayList<>();
    for (ImageBackend b : byType.values()) {
      try {
        b.close();
      } catch (RuntimeException e) {
        log.warn("closing backend {} failed: {}", b.describe(), e.toString());
        failures.add(e);
      }
    }
    byType.clear();
    if (!failures.isEmpty()) {
      ImageTrustException first = ImageTrustException.wrap(Reason.IO_ERROR, "closing a backend failed: "
          + failures.get(0), failures.get(0));
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }
}
