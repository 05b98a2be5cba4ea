package io.imgtrust.glance;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.metadata.ImageMetadata;

/**
 * Fills the cache from Glance, the driver's download path: {@code GET /v2/images/{id}} gives the metadata, and
 * {@code GET /v2/images/{id}/file} is streamed through the cache's verified fill ({@link ImageCache#add(
 * io.imgtrust.core.io.ImageSource, ImageMetadata, CopyProgress)}: every digest and the signature as the bytes arrive,
 * then inspection, conversion and the seal). The download starts only under the entry's lock, so concurrent fetches
 * of one image (threads or processes) download it once: the others wait and find it cached.
 */
public final class GlanceFetch {
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
    GlanceImage image = glance.image(imageId);
    ImageMetadata meta = image.metadata();
    return cache.add(glance.download(image), meta, progress);
  }
}
