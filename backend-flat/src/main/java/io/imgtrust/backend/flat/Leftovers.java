package io.imgtrust.backend.flat;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cleans up after failed or killed imports: temporaries and the instance directory a failed prepare made. */
final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /** Removes {@code .<disk>.import-*} in {@code dir}. */
  static void remove(Path dir, String disk) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + disk + ".import-*")) {
      for (Path p : ds) {
        log.info("removing leftover {} of an interrupted import", p);
        Files.deleteIfExists(p);
      }
    }
  }

  /** Best-effort undo of a failed prepare; never throws (the original failure matters more). */
  static void undo(Path tmp, Path dir, boolean madeDir) {
    try {
      Files.deleteIfExists(tmp);
      if (madeDir) {
        removeIfEmpty(dir);
      }
    } catch (IOException e) {
      log.error("cannot clean up {} after a failed import: {}", tmp, e.toString());
    }
  }

  static void removeIfEmpty(Path dir) throws IOException {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      // something else lives there, or it is gone already
    }
  }
}
