package io.imgtrust.backend.rbd;

import com.ceph.rbd.RbdException;
import com.ceph.rbd.RbdImage;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lists and removes clone mode's verified bases: {@code imgtrust-base_<cache name>} and what was set aside beside it
 * ({@code <base>~rejected-*}, {@code <base>~unverified-*}). A removal holds the base's cluster-wide {@link BaseLock}
 * (so no spawn clones meanwhile), counts the clones of each image's snapshot {@link VerifiedBases#SNAPSHOT}, and
 * removes nothing while any has clones ({@code BASE_IN_USE}); else unprotects and removes each snapshot, then each
 * image.
 */
final class BaseRemoval {
  private final RbdPool pool;
  private final Duration lockWait;

  BaseRemoval(RbdPool pool, Duration lockWait) {
    this.pool = pool;
    this.lockWait = lockWait;
  }

  /** The base name of an image id: the prefix and the cache file's name (sha1 hex of the id). */
  static String baseOf(String imageId) {
    return VerifiedBases.PREFIX + Hashing.sha1().hashString(imageId, StandardCharsets.UTF_8);
  }

  ImmutableList<ImmutableMap<String, Object>> list() throws ImageTrustException {
    ImmutableList.Builder<ImmutableMap<String, Object>> out = ImmutableList.builder();
    for (String image : pool.list()) {
      if (image.startsWith(VerifiedBases.PREFIX)) {
        out.add(ImmutableMap.of("name", pool.spec(image), "clones", clones(image)));
      }
    }
    return out.build();
  }

  ImmutableMap<String, Object> remove(String imageId) throws ImageTrustException {
    String base = baseOf(imageId);
    try (BaseLock held = BaseLock.acquire(pool, base, lockWait)) {
      ImmutableList<String> targets = pool.list().stream().filter(i -> i.equals(base) || i.startsWith(base + "~"))
          .collect(ImmutableList.toImmutableList());
      if (targets.isEmpty()) {
        throw ImageTrustException.of(Reason.IMAGE_NOT_FOUND, "there is no verified base of image " + imageId
            + " in pool " + pool.name() + " (looked for " + base + ")", ImmutableMap.of("base", pool.spec(base)));
      }
      Map<String, Integer> inUse = new LinkedHashMap<>();
      for (String t : targets) {
        int n = clones(t);
        if (n > 0) {
          inUse.put(pool.spec(t), n);
        }
      }
      if (!inUse.isEmpty()) {
        int total = inUse.values().stream().mapToInt(Integer::intValue).sum();
        throw ImageTrustException.of(Reason.BASE_IN_USE, "the verified base of image " + imageId + " has " + total
            + (total == 1 ? " clone" : " clones") + " (" + inUse + "); remove the instances first; nothing removed",
            ImmutableMap.of("clones", total, "base", pool.spec(base)));
      }
      for (String t : targets) {
        removeOne(t);
      }
      return ImmutableMap.of("image_id", imageId, "removed", targets.stream().map(pool::spec)
          .collect(ImmutableList.toImmutableList()));
    }
  }

  /** The clones of {@code image}'s snapshot; 0 when it has none (a base a crash left unsealed). */
  private int clones(String image) throws ImageTrustException {
    RbdImage img = pool.open(image);
    try {
      return RbdImages.snapshotId(img) >= 0 ? img.listChildren(VerifiedBases.SNAPSHOT).size() : 0;
    } catch (RbdException e) {
      throw CephErrors.of("cannot list the clones of " + pool.spec(image), e);
    } finally {
      close(img);
    }
  }

  private void removeOne(String image) throws ImageTrustException {
    RbdImage img = pool.open(image);
    try {
      RbdImages.dropSnapshot(img);
    } catch (RbdException e) {
      throw CephErrors.of("cannot remove the snapshot of " + pool.spec(image), e);
    } finally {
      close(img);
    }
    pool.remove(image);
  }

  private void close(RbdImage img) throws ImageTrustException {
    try {
      img.close();
    } catch (RbdException e) {
      throw CephErrors.of("cannot close " + pool.spec(img.getName()), e);
    }
  }
}
