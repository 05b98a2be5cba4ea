package io.imgtrust.backend.ploop;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Directory chores: removing ploop directories and temporaries, and undoing a failed prepare. */
final class PloopDirs {
  private static final Logger log = LoggerFactory.getLogger(PloopDirs.class);
  /** The tag of temporary ploop directories: {@code .<disk>.ploop.import-<random>}. */
  static final String TEMP_TAG = "import";

  private PloopDirs() {}

  /** Deletes {@code dir} and everything in it, never following symbolic links; a missing {@code dir} is fine. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }

  /** Deletes the temporaries ({@code .<name>.import-*}) that interrupted prepares of {@code name} left in {@code dir}. */
  static void removeTemporaries(Path dir, String name) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + name + "." + TEMP_TAG + "-*")) {
      for (Path p : ds) {
        log.info("removing {}, left by an interrupted import", p);
        deleteTree(p);
      }
    }
  }

  /** Deletes {@code dir} if it is empty; a missing or non-empty directory is left as it is. */
  static void removeIfEmpty(Path dir) throws IOException {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      // something else lives there, or it is gone already
    }
  }

  /** Best-effort undo of a failed prepare; never throws, since the original failure is what the caller reports. */
  static void undo(Path tmp, Path instanceDir, boolean madeDir) {
    try {
      deleteTree(tmp);
      if (madeDir) {
        removeIfEmpty(instanceDir);
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot clean up {} after a failed import: {}", tmp, e.toString());
    }
  }
}
