package io.imgtrust.core.spi;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import io.imgtrust.core.metadata.ImageMetadata;
import java.util.List;

/**
 * An image as its store (Glance) describes it, for {@link ImageBackend#prepareFromStore}: its metadata (what its bytes
 * must verify against) and the URLs where the store keeps them ({@code direct_url} and {@code locations[].url}, e.g.
 * {@code rbd://<fsid>/<pool>/<image>/<snap>}). The locations are hints from the store, not trusted: a backend that
 * reads them verifies the bytes it reads. Immutable.
 */
public final class StoredImage {
  private final ImageMetadata metadata;
  private final ImmutableList<String> locations;

  private StoredImage(ImageMetadata metadata, ImmutableList<String> locations) {
    this.metadata = checkNotNull(metadata);
    this.locations = locations;
  }

  /** The image described by {@code metadata}, kept at {@code locations} (in the store's order, no duplicates). */
  public static StoredImage of(ImageMetadata metadata, List<String> locations) {
    return new StoredImage(metadata, locations.stream().distinct().collect(ImmutableList.toImmutableList()));
  }

  public ImageMetadata metadata() {
    return metadata;
  }

  public ImmutableList<String> locations() {
    return locations;
  }
}
