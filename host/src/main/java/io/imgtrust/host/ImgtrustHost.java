package io.imgtrust.host;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SharedBases;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.spi.StoredImage;
import io.imgtrust.glance.GlanceClient;
import io.imgtrust.glance.GlanceClients;
import io.imgtrust.glance.GlanceFetch;
import io.imgtrust.glance.GlanceImage;
import io.imgtrust.glance.GlanceSettings;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The spawn path as a library a driver holds for its life: opened once from the configuration, it holds the image
 * cache and the backends (each created on first use, once per images_type, and closed by {@link #close}).
 *
 * <ul>
 *   <li>{@link #prepare}: image id to a prepared instance disk (cache entry, or a verified fill from a download first,
 *       or, on a cache miss with {@code [glance] api_servers} set, from Glance; the backend's verified import or
 *       overlay). On failure nothing is left (the backend contract).
 *   <li>{@link #boot}: prepare, define the domain through libvirt ({@code [libvirt] connection_uri}), run the
 *       before-boot checks on libvirt's XML of it, start it. On any failure the domain is destroyed and undefined and
 *       the disk removed; a domain of that name that already existed is left untouched ({@code TARGET_EXISTS}).
 *   <li>{@link #beforeBoot}: the check the libvirt hook runs on {@code prepare begin} (the qcow2 backend's chain
 *       check, whatever images_type is).
 *   <li>{@link #remove(String, boolean)}: removes an instance's disk, and its domain first when asked.
 * </ul>
 *
 * <p>Thread-safe: spawns of different instances may run concurrently. Failures are typed
 * {@link ImageTrustException}s; using a closed host is a bug ({@link IllegalStateException}).
 */
public final class ImgtrustHost implements AutoCloseable {
  /** The disk a spawn makes: the instance's root disk. */
  private static final String DISK = "disk";
  private static final String HOOK_CHECK_TYPE = "qcow2";

  private final ImgtrustConfig config;
  private final ImageCache cache;
  private final BackendPool backends;
  private final LibvirtDomains libvirt;
  /** Which backend made each instance's disk in this host's life, so {@link #remove} uses the same one. */
  private final Map<String, ImageBackend> madeBy = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private GlanceClient glance;

  private ImgtrustHost(ImgtrustConfig config, ImageCache cache) {
    this.config = config;
    this.cache = cache;
    this.backends = new BackendPool(config, cache);
    this.libvirt = new LibvirtDomains(config.string(Key.CONNECTION_URI));
  }

  /** Opens the image cache of {@code config}; backends are created when first used. */
  public static ImgtrustHost open(ImgtrustConfig config) throws ImageTrustException {
    return new ImgtrustHost(config, ImageCache.open(config));
  }

  /** The configuration this host was opened with. */
  public ImgtrustConfig config() {
    return config;
  }

  /** The image cache ({@code <instances_path>/_base}) this host holds. */
  public ImageCache cache() {
    return cache;
  }

  /**
   * The shared bases of the backend of {@code [libvirt] images_type} (the rbd backend's verified bases).
   *
   * @throws ImageTrustException {@code BAD_CONFIG} when that backend shares no bases (only rbd does)
   */
  public SharedBases sharedBases() throws ImageTrustException {
    checkOpen();
    ImageBackend b = backends.get(null);
    if (!(b instanceof SharedBases)) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, "images_type " + config.string(Key.IMAGES_TYPE)
          + " keeps no shared bases (only rbd does, as verified bases in clone mode)");
    }
    return (SharedBases) b;
  }

  /**
   * Prepares the instance's disk: selects the backend (unknown images_type: {@code BAD_CONFIG}), takes the cache
   * entry or fills it from the spawn's download (on a miss without one, from Glance when {@code [glance]
   * api_servers} is set), and has the backend make the disk; on such a miss the backend may first take the image
   * straight from Glance's store, verified, without a cache file ({@link ImageBackend#prepareFromStore}).
   *
   * @throws ImageTrustException {@code USAGE} (a name that is not plain, metadata of another image), a refusal
   *     ({@code DIGEST_MISMATCH}, {@code NOT_CACHED}, ...), {@code FLAVOR_TOO_SMALL}, or a host failure
   */
  public Spawned prepare(Spawn spawn) throws ImageTrustException {
    checkOpen();
    SpawnRequest.requirePlainNames(spawn.instance(), DISK);
    long t0 = System.nanoTime();
    ImageBackend backend = backends.get(spawn.imagesType().orElse(null));
    Optional<GlanceImage> inStore = glanceOnMiss(spawn);
    if (inStore.isPresent()) {
      Optional<PreparedDisk> direct = backend.prepareFromStore(spawn.instance(), StoredImage.of(
          inStore.get().metadata(), inStore.get().locations()), spawn.sizeBytes());
      if (direct.isPresent()) {
        madeBy.put(spawn.instance(), backend);
        return new Spawned(direct.get(), backend.describe(), ImmutableMap.of("cache_ms", 0L,
            "prepare_ms", ms(System.nanoTime() - t0)), Optional.empty());
      }
    }
    CacheEntry entry = inStore.isPresent() ? GlanceFetch.fetch(glance(), cache, inStore.get(), spawn.fillProgress())
        : entry(spawn);
    long t1 = System.nanoTime();
    SpawnRequest request = SpawnRequest.of(spawn.instance(), entry).withProgress(spawn.importProgress());
    if (spawn.sizeBytes().isPresent()) {
      request = request.withSize(spawn.sizeBytes().getAsLong());
    }
    PreparedDisk disk = backend.prepare(request);
    madeBy.put(spawn.instance(), backend);
    return new Spawned(disk, backend.describe(), ImmutableMap.of("cache_ms", ms(t1 - t0),
        "prepare_ms", ms(System.nanoTime() - t1)), Optional.empty());
  }

  /**
   * Prepares the disk, defines {@code domain} around it, runs the backend's before-boot check and the hook's
   * ({@link #beforeBoot}) on libvirt's XML of the defined domain, and starts it. Any failure undoes all of it.
   *
   * @throws ImageTrustException as {@link #prepare}; {@code TARGET_EXISTS} when a domain of that name exists (it is
   *     left untouched); a before-boot refusal; {@code LIBVIRT_ERROR} when libvirt cannot define or start it
   */
  public Spawned boot(Spawn spawn, DomainSpec domain) throws ImageTrustException {
    Spawned prepared = prepare(spawn);
    ImageBackend backend = backends.get(spawn.imagesType().orElse(null));
    try {
      return prepared.withDomain(libvirt.boot(domain, prepared.disk().diskXml(), xml -> {
        backend.beforeBoot(xml);
        ImageBackend hookCheck = backends.get(HOOK_CHECK_TYPE);
        if (hookCheck != backend) {
          hookCheck.beforeBoot(xml);
        }
      }));
    } catch (ImageTrustException | RuntimeException e) {
      removeAfter(e, backend, spawn.instance());
      madeBy.remove(spawn.instance());
      throw e;
    }
  }

  /**
   * The check the libvirt qemu hook runs on {@code prepare begin}: every disk of {@code domainXml} (libvirt's full
   * domain XML) is followed to what the guest will read; cache files are rechecked, anything that cannot be followed
   * is refused. It is the qcow2 backend's check, so that backend must be installed ({@code BAD_CONFIG} if not).
   */
  public void beforeBoot(String domainXml) throws ImageTrustException {
    checkOpen();
    backends.get(HOOK_CHECK_TYPE).beforeBoot(domainXml);
  }

  /**
   * Removes the root disk of {@code instance} through the backend that made it in this host (else the configured
   * images_type); with {@code undefineDomain}, the domain named {@code instance} is destroyed and undefined first. A
   * missing disk or domain is not an error.
   */
  public void remove(String instance, boolean undefineDomain) throws ImageTrustException {
    checkOpen();
    ImageBackend madeHere = madeBy.get(instance);
    remove(instance, madeHere != null ? madeHere : backends.get(null), undefineDomain);
  }

  /**
   * Removes what {@code spawn} made, through the backend it names (its images_type, else the configured one), also
   * when another process made it; otherwise as {@link #remove(String, boolean)}.
   */
  public void remove(Spawn spawn, boolean undefineDomain) throws ImageTrustException {
    checkOpen();
    remove(spawn.instance(), backends.get(spawn.imagesType().orElse(null)), undefineDomain);
  }

  private void remove(String instance, ImageBackend backend, boolean undefineDomain) throws ImageTrustException {
    SpawnRequest.requirePlainNames(instance, DISK);
    if (undefineDomain) {
      libvirt.destroyAndUndefine(instance);
    }
    backend.remove(instance, DISK);
    madeBy.remove(instance);
  }

  /** Closes every backend this host created; the host cannot be used afterwards. Closing twice does nothing. */
  @Override
  public void close() throws ImageTrustException {
    if (closed) {
      return;
    }
    closed = true;
    backends.closeAll();
  }

  /**
   * Glance's image, when the spawn brings no download, the cache has no entry and {@code [glance] api_servers} is set:
   * the backend may then take it from Glance's store ({@link ImageBackend#prepareFromStore}), else it is fetched.
   */
  private Optional<GlanceImage> glanceOnMiss(Spawn spawn) throws ImageTrustException {
    if (spawn.download().isPresent() || !GlanceSettings.configured(config)) {
      return Optional.empty();
    }
    try {
      cache.sealedEntry(spawn.imageId());
      return Optional.empty();
    } catch (ImageTrustException e) {
      if (e.reason() != Reason.NOT_CACHED) {
        throw e;
      }
    }
    return Optional.of(glance().image(spawn.imageId()));
  }

  private CacheEntry entry(Spawn spawn) throws ImageTrustException {
    if (spawn.download().isEmpty()) {
      // Not hashed here: the backend's own check (import or recheck) judges a file that changed since it was sealed.
      return cache.sealedEntry(spawn.imageId());
    }
    ImageMetadata meta = spawn.metadata().orElseThrow();
    if (!meta.id().equals(spawn.imageId())) {
      throw ImageTrustException.of(Reason.USAGE, "image " + spawn.imageId() + " but the metadata describes image "
          + meta.id());
    }
    return cache.add(spawn.download().get(), meta, spawn.fillProgress());
  }

  /** The Glance client of {@code [glance]}, made on first use. */
  private synchronized GlanceClient glance() throws ImageTrustException {
    if (glance == null) {
      glance = GlanceClients.fromConfig(config);
    }
    return glance;
  }

  private static void removeAfter(Exception failure, ImageBackend backend, String instance) {
    try {
      backend.remove(instance, DISK);
    } catch (ImageTrustException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this ImgtrustHost is closed");
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
