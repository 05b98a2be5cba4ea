package io.imgtrust.glance;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.metadata.ImageMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the cache from Glance, the driver's download path: {@code GET /v2/images/{id}} gives the metadata, and
 * {@code GET /v2/images/{id}/file} is streamed through the cache's verified fill ({@link ImageCache#add(
 * io.imgtrust.core.io.ImageSource, ImageMetadata, CopyProgress)}: every digest and the signature as the bytes arrive,
 * then inspection, conversion and the seal). The download starts only under the entry's lock, so concurrent fetches
 * of one image (threads or processes) download it once: the others wait and find it cached.
 */
public final class GlanceFetch {
  private static final Logger log = LoggerFactory.getLogger(GlanceFetch.class);

  private GlanceFetch() {}

  /**
   * The cache entry of {@code imageId}, fetched from {@code glance} unless the cache holds a valid one.
   *
   * @throws ImageTrustException {@code IMAGE_NOT_FOUND}, {@code IMAGE_NOT_ACTIVE}, {@code GLANCE_ERROR}, and any
   *     refusal or failure of the fill ({@code DIGEST_MISMATCH}, {@code SIGNATURE_INVALID}, ...); nothing is cached
   *     then
   */
  public static CacheEntry fetch(GlanceClient glance, ImageCache cache, String imageId, CopyProgress progress)
      throws ImageTrustException {
    return fetch(glance, cache, glance.image(imageId), progress);
  }

  /**
   * Like {@link #fetch(GlanceClient, ImageCache, String, CopyProgress)} with the image already shown. When the
   * image's data changes during the download (a resumed response names other data), the failed fill has cached
   * nothing, and the fetch starts again from the first byte with the image shown afresh, once.
   */
  public static CacheEntry fetch(GlanceClient glance, ImageCache cache, GlanceImage image, CopyProgress progress)
      throws ImageTrustException {
    try {
      return fill(glance, cache, image, progress);
    } catch (ImageTrustException e) {
      if (!Boolean.TRUE.equals(e.details().get(GlanceDownload.CHANGED))) {
        throw e;
      }
      log.warn("{}; fetching image {} again from the start", e.getMessage(), image.id());
      return fill(glance, cache, glance.image(image.id()), progress);
    }
  }

  private static CacheEntry fill(GlanceClient glance, ImageCache cache, GlanceImage image, CopyProgress progress)
      throws ImageTrustException {
    return cache.add(glance.download(image), image.metadata(), progress);
  }
}
