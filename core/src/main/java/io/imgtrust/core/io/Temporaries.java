package io.imgtrust.core.io;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clean-up of the temporaries that {@link AtomicFiles#tempSibling} names ({@code .<name>.<tag>-<random>}): removing
 * what an interrupted run left, and undoing a failed one. Never follows symbolic links.
 */
public final class Temporaries {
  private static final Logger log = LoggerFactory.getLogger(Temporaries.class);

  private Temporaries() {}

  /** Deletes {@code path} (a file, or a directory and everything in it); a missing path is fine. */
  public static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(path)) {
      all = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }

  /** Deletes the {@code tag} temporaries of {@code target} that interrupted runs left beside it. */
  public static void removeStale(Path target, String tag) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + target.getFileName() + "." + tag + "-*")) {
      for (Path p : ds) {
        log.info("removing {}, left by an interrupted run", p);
        deleteTree(p);
      }
    }
  }

  /** Deletes {@code dir} if it is empty; a missing or non-empty directory is left as it is. */
  public static void removeIfEmpty(Path dir) throws IOException {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      // something else lives there, or it is gone already
    }
  }

  /**
   * Best-effort undo of a failed build: deletes {@code tmp}, and {@code dir} too if this build made it and it is
   * empty. Never throws: the original failure is what the caller reports.
   */
  public static void undo(Path tmp, Path dir, boolean madeDir) {
    try {
      deleteTree(tmp);
      if (madeDir) {
        removeIfEmpty(dir);
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot clean up {} after a failure: {}", tmp, e.toString());
    }
  }
}
