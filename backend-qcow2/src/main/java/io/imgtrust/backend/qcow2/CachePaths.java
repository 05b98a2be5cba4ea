package io.imgtrust.backend.qcow2;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Judges host paths against the image cache directory after following every symlink (of a path that does not exist,
 * its longest existing prefix): a path whose real path is in the cache, or an existing directory that is the cache
 * or holds it, is {@code UNSAFE_DOMAIN}, naming the element and the fix. Also walks a {@code dir} disk (QEMU's vvfat
 * shows the whole tree, following symlinks) within bounds; past them it refuses, as it cannot follow. Stateless.
 */
final class CachePaths {
  static final int MAX_PATHS = 10_000;
  static final int MAX_ENTRIES = 10_000;
  static final int MAX_DEPTH = 16;

  private final Path cacheDir;

  CachePaths(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** Refuses the first of {@code paths} that reaches the cache; returns how many distinct paths were checked. */
  int check(List<DomainPaths.Named> paths) throws ImageTrustException {
    Path cache = real(cacheDir);
    Set<String> seen = new HashSet<>();
    for (DomainPaths.Named n : paths) {
      if (!seen.add(n.path)) {
        continue;
      }
      if (seen.size() > MAX_PATHS) {
        throw unsafe(n.element, n.path, "the domain names more than " + MAX_PATHS + " paths outside its disks; the "
            + "before-boot check cannot follow them all");
      }
      Optional<String> why = reaches(n.path, cache);
      if (why.isPresent()) {
        throw unsafe(n.element, n.path, n.element + " names " + n.path + why.get() + "; libvirt or QEMU would open "
            + "it outside the disk check (and libvirt may chown it to the QEMU user): point it at a path outside the "
            + "image cache");
      }
    }
    return seen.size();
  }

  /** Walks the {@code dir} disk's tree within bounds; refuses an entry or link that reaches the cache. */
  String checkDir(DomainDisks.Disk disk) throws ImageTrustException {
    Path cache = real(cacheDir);
    String element = "disk " + disk.name();
    Deque<Path> todo = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    todo.push(disk.source);
    depths.push(0);
    int entries = 0;
    while (!todo.isEmpty()) {
      Path dir = todo.pop();
      int depth = depths.pop();
      refuseInDir(element, dir, cache);
      if (depth > MAX_DEPTH) {
        throw unsafe(element, dir.toString(), cannotFollow(disk, "it is deeper than " + MAX_DEPTH + " levels (or a "
            + "symlink loops)"));
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path c : ds) {
          if (++entries > MAX_ENTRIES) {
            throw unsafe(element, dir.toString(), cannotFollow(disk, "it has more than " + MAX_ENTRIES + " entries"));
          }
          if (Files.isDirectory(c)) {
            todo.push(c);
            depths.push(depth + 1);
          } else {
            refuseInDir(element, c, cache);
          }
        }
      } catch (IOException e) {
        throw unsafe(element, dir.toString(), cannotFollow(disk, "cannot read " + dir + ": " + IoErrors.describe(e)));
      } catch (DirectoryIteratorException e) {
        throw unsafe(element, dir.toString(), cannotFollow(disk, "cannot read " + dir + ": "
            + IoErrors.describe(e.getCause())));
      }
    }
    return "passed, a directory disk outside the image cache";
  }

  private static void refuseInDir(String element, Path p, Path cache) throws ImageTrustException {
    Optional<String> why = reaches(p.toString(), cache);
    if (why.isPresent()) {
      throw unsafe(element, p.toString(), element + ": a directory disk would show the image cache to the guest "
          + "unchecked: " + p + why.get() + "; use a directory with no path or symlink into the image cache");
    }
  }

  private static String cannotFollow(DomainDisks.Disk disk, String why) {
    return "disk " + disk.name() + ": the before-boot check cannot follow this directory disk: " + why
        + "; use a smaller directory, or an image file";
  }

  /** Why {@code path} reaches {@code cache} (a real path), or empty. */
  private static Optional<String> reaches(String path, Path cache) {
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    Path r = real(p);
    String really = r.equals(p) ? "" : " (really " + r + ")";
    if (r.startsWith(cache)) {
      return Optional.of(really + (r.equals(cache) ? ", the image cache directory" : ", inside the image cache "
          + cache));
    }
    if (cache.startsWith(r) && Files.isDirectory(r)) {
      return Optional.of(really + ", a directory that holds the image cache " + cache);
    }
    return Optional.empty();
  }

  /** The real path of {@code p}, or of its longest existing prefix with the rest appended. */
  static Path real(Path p) {
    Path abs = p.toAbsolutePath();
    Path rest = abs.getFileSystem().getPath("");
    for (Path at = abs; at != null && at.getFileName() != null; at = at.getParent()) {
      try {
        return at.toRealPath().resolve(rest).normalize();
      } catch (IOException e) {
        rest = at.getFileName().resolve(rest);
      }
    }
    return abs.getRoot().resolve(rest).normalize();
  }

  private static ImageTrustException unsafe(String element, String path, String message) {
    return ImageTrustException.of(Reason.UNSAFE_DOMAIN, message, ImmutableMap.of("element", element, "path", path));
  }
}
