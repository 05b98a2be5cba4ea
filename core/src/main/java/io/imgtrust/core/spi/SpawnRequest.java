package io.imgtrust.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyProgress;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What to prepare: an instance's disk from a cache entry, optionally grown to a size. Immutable. Instance and disk
 * names are plain identifiers (no path separators), so they can name files and volumes safely.
 */
public final class SpawnRequest {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final String instance;
  private final String disk;
  private final CacheEntry entry;
  private final OptionalLong sizeBytes;
  private final CopyProgress progress;

  private SpawnRequest(String instance, String disk, CacheEntry entry, OptionalLong sizeBytes,
      CopyProgress progress) {
    checkArgument(NAME.matcher(instance).matches(), "instance name '%s' is not a plain identifier", instance);
    checkArgument(NAME.matcher(disk).matches(), "disk name '%s' is not a plain identifier", disk);
    this.instance = instance;
    this.disk = disk;
    this.entry = checkNotNull(entry);
    this.sizeBytes = sizeBytes;
    this.progress = checkNotNull(progress);
  }

  /** The root disk ({@code disk}) of {@code instance}, at the image's own size. */
  public static SpawnRequest of(String instance, CacheEntry entry) {
    return new SpawnRequest(instance, "disk", entry, OptionalLong.empty(), CopyProgress.NONE);
  }

  /**
   * Refuses instance or disk names that are not plain identifiers (for {@link ImageBackend#remove}).
   *
   * @throws ImageTrustException {@code USAGE}
   */
  public static void requirePlainNames(String instance, String disk) throws ImageTrustException {
    if (!isPlainName(instance) || !isPlainName(disk)) {
      throw ImageTrustException.of(Reason.USAGE, "instance '" + instance + "' and disk '" + disk
          + "' must be plain names (letters, digits, '.', '_', '-')");
    }
  }

  /** Whether {@code name} is acceptable as an instance or disk name. */
  public static boolean isPlainName(String name) {
    return NAME.matcher(name).matches();
  }

  /** This request with the disk grown to {@code bytes}. */
  public SpawnRequest withSize(long bytes) {
    return new SpawnRequest(instance, disk, entry, OptionalLong.of(bytes), progress);
  }

  /** This request reporting import progress to {@code p}. */
  public SpawnRequest withProgress(CopyProgress p) {
    return new SpawnRequest(instance, disk, entry, sizeBytes, p);
  }

  /** Where an import reports its progress. */
  public CopyProgress progress() {
    return progress;
  }

  /**
   * The size of the disk to make: the requested size, or the image's.
   *
   * @throws ImageTrustException {@code FLAVOR_TOO_SMALL} when the requested size is below the image's
   */
  public long targetSize(long imageSize) throws ImageTrustException {
    long want = sizeBytes.orElse(imageSize);
    if (want < imageSize) {
      throw ImageTrustException.of(Reason.FLAVOR_TOO_SMALL, "requested disk size " + want
          + " bytes is smaller than image " + entry.imageId() + " (" + imageSize + " bytes)",
          java.util.Map.of("requested", want, "image_size", imageSize));
    }
    return want;
  }

  public String instance() {
    return instance;
  }

  public String disk() {
    return disk;
  }

  public CacheEntry entry() {
    return entry;
  }
}
