package io.imgtrust.core.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves failed cache files aside, never deleting them: {@code .quarantine/<name>.<millis>} plus a JSON reason file
 * {@code .quarantine/<name>.<millis>.json} (image id, null when the file had no valid record; reason code, message,
 * details, time). The immutable flag is cleared first (a file keeps it otherwise, and cannot be renamed).
 */
final class Quarantine {
  private static final Logger log = LoggerFactory.getLogger(Quarantine.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CacheLayout layout;
  private final ImmutableFiles flags;

  Quarantine(CacheLayout layout, ImmutableFiles flags) {
    this.layout = layout;
    this.flags = flags;
  }

  /** Moves cache file {@code name} into quarantine with {@code why}; returns where it went (empty if it was gone). */
  java.util.Optional<Path> put(String name, String imageId, ImageTrustException why) throws ImageTrustException {
    Path src = layout.file(name);
    Instant now = Instant.now();
    Path dst = layout.quarantine().resolve(name + "." + now.toEpochMilli() + "-"
        + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
    try {
      Files.createDirectories(layout.quarantine());
      ObjectNode reason = JSON.createObjectNode().put("image_id", imageId).put("cache_file", name)
          .put("reason", why.reason().name()).put("message", why.getMessage())
          .put("quarantined_at", now.toString());
      for (Map.Entry<String, Object> d : why.details().entrySet()) {
        reason.set(d.getKey(), JSON.valueToTree(d.getValue()));
      }
      if (!Files.exists(src, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return java.util.Optional.empty();
      }
      AtomicFiles.write(dst.resolveSibling(dst.getFileName() + ".json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reason), "rw-r--r--");
      flags.clear(src);
      Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.fsyncDirectory(layout.dir());
      AtomicFiles.fsyncDirectory(layout.quarantine());
      log.warn("quarantined cache file {} (image {}) to {}: {} {}", name, imageId, dst, why.reason(),
          why.getMessage());
      return java.util.Optional.of(dst);
    } catch (NoSuchFileException e) {
      return java.util.Optional.empty();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot quarantine " + src + ": " + IoErrors.describe(e), e);
    }
  }

  /** The reason files in quarantine, newest last. */
  ImmutableList<Path> reasonFiles() throws ImageTrustException {
    ImmutableList.Builder<Path> out = ImmutableList.builder();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.quarantine(), "*.json")) {
      ds.forEach(out::add);
    } catch (NoSuchFileException e) {
      return ImmutableList.of();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot list quarantine: " + IoErrors.describe(e), e);
    }
    return ImmutableList.sortedCopyOf(out.build());
  }
}
