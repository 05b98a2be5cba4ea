package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdImage;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.util.concurrent.Striped;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.digest.CopyReport;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.spi.BackendContext;
import io.imgtrust.core.spi.DiskXml;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import io.imgtrust.core.spi.SharedBases;
import io.imgtrust.core.spi.SpawnRequest;
import io.imgtrust.core.spi.StoredImage;
import io.imgtrust.core.spi.VerifiedImport;
import io.imgtrust.core.verify.ImageVerifier;
import io.imgtrust.core.verify.VerificationReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rbd backend ({@code images_type = rbd}): the instance disk is the RBD image {@code <instance>_<disk>} in
 * {@code [libvirt] images_rbd_pool}, made by a verified import of the cache entry through librbd (Nova runs an
 * unchecked {@code rbd import} instead), and handed to libvirt as a network disk authenticated with the libvirt
 * secret {@code rbd_secret_uuid}.
 *
 * <p>Guarantees: the image appears under its name only after every chunk verified and every write was flushed (it is
 * built as {@code <name>~import-<random>} and renamed; librbd never renames over an image, so an existing disk is
 * {@code TARGET_EXISTS} and kept); all-zero blocks are not written; the image has the requested size; on any failure
 * the temporary is removed and a verification failure quarantines the cache entry; a prepare removes what a killed
 * import of the same disk left. A dead or unreachable cluster is {@code CEPH_ERROR} within
 * {@code rbd_connect_timeout}. The cephx key stays in the keyring librados reads: never in an argument list, the
 * domain XML or a log line. Thread-safe; prepares and removes of one disk in this process are serialized.
 *
 * <p>As {@link SharedBases}: clone mode's verified bases in the pool, listed with their clone counts, and removed
 * only through {@link #removeBases} ({@link BaseRemoval}), never while a clone exists.
 */
public final class RbdBackend implements ImageBackend, SharedBases {
  private static final Logger log = LoggerFactory.getLogger(RbdBackend.class);
  private static final String DISK = "disk";
  private static final Striped<Lock> DISKS = Striped.lazyWeakLock(64);
  private final BackendContext ctx;
  private final RbdSettings settings;
  private final CephCluster cluster;
  /** Present in clone mode. */
  private final Optional<ClusterKey> clusterKey;

  RbdBackend(BackendContext ctx, RbdSettings settings, Optional<ClusterKey> clusterKey) {
    this.ctx = ctx;
    this.settings = settings;
    this.cluster = new CephCluster(settings);
    this.clusterKey = clusterKey;
  }

  /** The RBD image name of an instance's disk, as Nova names it: {@code <instance>_<disk>}. */
  static String imageName(String instance, String disk) {
    return instance + "_" + disk;
  }

  @Override
  public PreparedDisk prepare(SpawnRequest r) throws ImageTrustException {
    VerifiedImport imp = VerifiedImport.begin(ctx, r);
    long size = imp.targetSize();
    String secret = settings.requireSecret();
    String name = imageName(r.instance(), r.disk());
    RbdPool pool = cluster.pool();
    Lock lock = DISKS.get(name);
    lock.lock();
    Map<String, Object> rep;
    try {
      rep = clusterKey.isPresent() ? clone(pool, imp, name, size) : new LinkedHashMap<>(imp.report(
          RbdImport.run(pool, name, size, imp::into)));
    } finally {
      lock.unlock();
    }
    return disk(pool, name, secret, size, rep);
  }

  private PreparedDisk disk(RbdPool pool, String name, String secret, long size, Map<String, Object> rep)
      throws ImageTrustException {
    rep.put("virtual_size", size);
    rep.put("rbd_image", pool.spec(name));
    String xml = DiskXml.rbd(pool.spec(name), cluster.monitors(), settings.user, secret, "vda");
    return PreparedDisk.of(xml, pool.spec(name), rep);
  }

  private VerifiedBases bases(RbdPool pool) {
    return new VerifiedBases(pool, clusterKey.get(), lockWait(), settings.recheckAlways);
  }

  /**
   * Clone mode: the image's verified base (made and sealed now if needed), then, under the base's lock, a clone of its
   * sealed snapshot.
   */
  private Map<String, Object> clone(RbdPool pool, VerifiedImport imp, String name, long size)
      throws ImageTrustException {
    VerifiedBases bases = bases(pool);
    try (VerifiedBases.Base<CopyReport> base = bases.ensure(imp.entry(), imp::into)) {
      if (base.unverified()) {
        // warn mode: the copy failed verification, so it is no base; set aside under a name of this call's own, it
        // becomes this disk as an import would, still under the lock (so base-remove cannot take it meanwhile)
        RbdImport.build(pool, name, tmp -> pool.rename(base.name, tmp));
        resize(pool, name, size);
        return new LinkedHashMap<>(imp.report(base.built.get()));
      }
      bases.cloneAs(base, name, size);
      Map<String, Object> rep = new LinkedHashMap<>();
      if (base.built.isPresent()) {
        rep.putAll(imp.report(base.built.get()));
        rep.put("verified", "chunks against the sealed record, while the verified base was imported");
      } else {
        rep.put("image_id", imp.entry().imageId());
        StoreReport.takenOnSeal(rep, base.sealedBy, settings.recheckAlways, "", imp.entry().record().size());
        rep.put("content_digest", imp.entry().record().contentDigest().toString());
      }
      rep.put("base", pool.spec(base.name) + "@" + VerifiedBases.SNAPSHOT);
      return rep;
    }
  }

  /**
   * Clone mode, for a raw image Glance keeps in this cluster ({@code rbd://<fsid>/...} with this cluster's fsid), in
   * {@code mode = enforce}: the disk is a clone of the image's verified base, made from Glance's snapshot if needed
   * ({@link StoreBases}); no cache file. Anything else is empty: the caller takes the cache path.
   */
  @Override
  public Optional<PreparedDisk> prepareFromStore(String instance, StoredImage image, OptionalLong sizeBytes)
      throws ImageTrustException {
    SpawnRequest.requirePlainNames(instance, DISK);
    ImageMetadata meta = image.metadata();
    if (clusterKey.isEmpty() || !ctx.cache().policy().enforce() || !"raw".equals(meta.diskFormat())) {
      return Optional.empty();
    }
    String fsid = cluster.fsid();
    Optional<RbdLocation> here = image.locations().stream().map(RbdLocation::parse).flatMap(Optional::stream)
        .filter(l -> l.inCluster(fsid)).findFirst();
    if (here.isEmpty()) {
      log.info("image {}: no Glance location in this cluster ({}); the cache path fetches it", meta.id(), fsid);
      return Optional.empty();
    }
    long size = sizeBytes.orElse(meta.size());
    if (size < meta.size()) {
      throw ImageTrustException.of(Reason.FLAVOR_TOO_SMALL, "requested disk size " + size
          + " bytes is smaller than image " + meta.id() + " (" + meta.size() + " bytes)",
          Map.of("requested", size, "image_size", meta.size()));
    }
    String secret = settings.requireSecret();
    String name = imageName(instance, DISK);
    RbdPool pool = cluster.pool();
    Lock lock = DISKS.get(name);
    lock.lock();
    Map<String, Object> rep;
    try {
      VerifiedBases bases = bases(pool);
      try (VerifiedBases.Base<VerificationReport> base = new StoreBases(bases, ImageVerifier.fromConfig(
          ctx.config())).ensure(meta, here.get(), new StoreSnapshot(cluster, here.get()), CopyProgress.NONE)) {
        bases.cloneAs(base, name, size);
        rep = StoreReport.of(meta, base, pool.spec(base.name) + "@" + VerifiedBases.SNAPSHOT,
            settings.recheckAlways);
      }
    } finally {
      lock.unlock();
    }
    return Optional.of(disk(pool, name, secret, size, rep));
  }

  private Duration lockWait() {
    return Duration.ofSeconds(ctx.config().number(Key.LOCK_TIMEOUT_SECONDS));
  }

  @Override
  public ImmutableList<ImmutableMap<String, Object>> listBases() throws ImageTrustException {
    return new BaseRemoval(cluster.pool(), lockWait()).list();
  }

  @Override
  public ImmutableMap<String, Object> removeBases(String imageId) throws ImageTrustException {
    return new BaseRemoval(cluster.pool(), lockWait()).remove(imageId);
  }

  /** The pool, for tests in this package. */
  RbdPool pool() throws ImageTrustException {
    return cluster.pool();
  }

  private static void resize(RbdPool pool, String image, long size) throws ImageTrustException {
    RbdImage img = pool.open(image);
    try {
      RbdImages.grow(pool, img, size);
    } finally {
      RbdImages.close(img);
    }
  }

  @Override
  public void beforeBoot(String domainXml) {
    // The disk is a private copy verified at import; the cache plays no part after that.
  }

  /** Removes the instance's image and the temporaries killed imports of it left ({@code EBUSY} while it is open). */
  @Override
  public void remove(String instance, String disk) throws ImageTrustException {
    SpawnRequest.requirePlainNames(instance, disk);
    String name = imageName(instance, disk);
    RbdPool pool = cluster.pool();
    Lock lock = DISKS.get(name);
    lock.lock();
    try {
      pool.remove(name);
      RbdImport.removeLeftovers(pool, name);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String describe() {
    return "rbd: verified imports into RBD images " + settings.pool + "/<instance>_<disk> (" + settings.cephConf
        + ", client." + settings.user + ")";
  }

  @Override
  public void close() {
    cluster.close();
  }
}
