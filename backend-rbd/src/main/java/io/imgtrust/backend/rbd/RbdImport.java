package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdImage;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.io.BaseEncoding;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.ImageSink;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an RBD image from a verified copy, all or nothing: the image is created as {@code <name>~import-<random>},
 * filled through an {@link RbdSink}, flushed, and renamed to {@code name} only when the copy returned (every chunk
 * verified); on any failure the temporary is removed. Before it starts, it removes the temporaries of {@code name}
 * that killed imports left: librbd refuses ({@code EBUSY}) to remove an image a live client still watches (a
 * concurrent import, or a killed one until its watch expires), and such a temporary is left for a later call.
 *
 * <p>The seam for every verified image the backend makes: an instance disk from a cache entry, and (clone mode, the
 * Glance-on-Ceph path) a verified base from any {@link Source}.
 */
final class RbdImport {
  private static final Logger log = LoggerFactory.getLogger(RbdImport.class);
  /** What a temporary's name adds to its final name; {@code ~} is in no instance or disk name. */
  static final String TEMPORARY = "~import-";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Writes the verified bytes into the sink (e.g. {@code VerifiedImport::into}); throws if they do not verify. */
  @FunctionalInterface
  interface Source<R> {
    R into(ImageSink sink) throws ImageTrustException;
  }

  private RbdImport() {}

  /** Makes a temporary image (created by the step, named {@code tmp}) and returns what it reports. */
  @FunctionalInterface
  interface Step<T> {
    T build(String tmp) throws ImageTrustException;
  }

  /**
   * Makes image {@code name} of {@code size} bytes in {@code pool} from {@code source}.
   *
   * @throws ImageTrustException {@code TARGET_EXISTS} (the image exists, or appeared meanwhile: it is kept),
   *     {@code CEPH_ERROR}, or whatever {@code source} threw; no temporary of this call is left
   */
  static <R> R run(RbdPool pool, String name, long size, Source<R> source) throws ImageTrustException {
    return build(pool, name, tmp -> {
      pool.create(tmp, size);
      return fill(pool, tmp, source);
    });
  }

  /**
   * The skeleton every image the backend makes goes through: refuse an existing {@code name}, remove the leftovers of
   * killed builds, let {@code step} make a fresh temporary, rename it to {@code name}; on any failure remove it.
   */
  static <T> T build(RbdPool pool, String name, Step<T> step) throws ImageTrustException {
    return build(pool, name, step, () -> {});
  }

  /**
   * As {@link #build(RbdPool, String, Step)}; on any failure, also after {@code step} returned (the rename refused or
   * failed), runs {@code release} first: it closes what the step left open on the temporary and removes its
   * snapshots, which librbd's remove refuses ({@code EBUSY}, {@code ENOTEMPTY}).
   */
  static <T> T build(RbdPool pool, String name, Step<T> step, Runnable release) throws ImageTrustException {
    if (pool.exists(name)) {
      throw exists(pool, name, "already exists");
    }
    removeLeftovers(pool, name);
    String tmp = name + TEMPORARY + BaseEncoding.base16().lowerCase().encode(randomBytes());
    try {
      T result = step.build(tmp);
      if (!pool.rename(tmp, name)) {
        throw exists(pool, name, "appeared meanwhile; kept");
      }
      return result;
    } catch (ImageTrustException | RuntimeException e) {
      release.run();
      pool.removeQuietly(tmp);
      throw e;
    }
  }

  /** The temporaries of {@code name} in {@code pool}, live or left. */
  static ImmutableList<String> temporaries(RbdPool pool, String name) throws ImageTrustException {
    return pool.list().stream().filter(i -> i.startsWith(name + TEMPORARY))
        .collect(ImmutableList.toImmutableList());
  }

  /** Removes the temporaries of {@code name} nobody has open any more. */
  static void removeLeftovers(RbdPool pool, String name) throws ImageTrustException {
    for (String left : temporaries(pool, name)) {
      try {
        pool.remove(left);
        log.info("removed {}, left by an interrupted import", pool.spec(left));
      } catch (ImageTrustException e) {
        if ("ENOTEMPTY".equals(e.details().get("errno"))) {
          log.info("left {}: a base killed after its snapshot; `imgtrust cache base-remove` removes it",
              pool.spec(left));
          continue;
        }
        if (!"EBUSY".equals(e.details().get("errno"))) {
          throw e;
        }
        log.info("left {}: a client still has it open (a running import, or a killed one until its watch expires)",
            pool.spec(left));
      }
    }
  }

  private static <R> R fill(RbdPool pool, String tmp, Source<R> source) throws ImageTrustException {
    RbdImage image = pool.open(tmp);
    try {
      return write(pool, image, source);
    } finally {
      RbdImages.close(image);
    }
  }

  /** Writes what {@code source} verifies into the open {@code image} of {@code pool}, and flushes it. */
  static <R> R write(RbdPool pool, RbdImage image, Source<R> source) throws ImageTrustException {
    try (RbdSink sink = new RbdSink(image)) {
      R report = source.into(sink);
      sink.finish();
      return report;
    } catch (CephIoException e) {
      throw CephErrors.of("cannot write " + pool.spec(image.getName()), e.rc, e);
    } catch (ImageTrustException e) {
      if (CephIoException.in(e).isPresent()) {
        CephIoException c = CephIoException.in(e).get();
        throw CephErrors.of("cannot write " + pool.spec(image.getName()), c.rc, c);
      }
      throw e;
    }
  }

  static byte[] randomBytes() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return b;
  }

  private static ImageTrustException exists(RbdPool pool, String name, String what) {
    return ImageTrustException.of(Reason.TARGET_EXISTS, "RBD image " + pool.spec(name) + " " + what,
        ImmutableMap.of("target", pool.spec(name)));
  }
}
