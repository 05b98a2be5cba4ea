package io.imgtrust.core.cache;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.io.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The immutable flag ({@code FS_IMMUTABLE_FL}, what {@code chattr +i} sets) on cache files, through {@code chattr}
 * and {@code lsattr}. An immutable file cannot be written, renamed, replaced, linked or removed, nor its owner or mode
 * changed, by anyone but root (who must clear the flag first). Setting is best effort: where the filesystem does not
 * support the flag or the process lacks the privilege ({@code CAP_LINUX_IMMUTABLE}), the cache works without it, and
 * says so once at INFO. Thread-safe.
 */
final class ImmutableFiles {
  private static final Logger log = LoggerFactory.getLogger(ImmutableFiles.class);

  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
  private final boolean enabled;
  private final CommandRunner runner;
  private final AtomicBoolean unavailable = new AtomicBoolean();

  /** {@code enabled}: {@code [image_cache] immutable_files}. */
  ImmutableFiles(boolean enabled, CommandRunner runner) {
    this.enabled = enabled;
    this.runner = runner;
  }

  /** Sets the flag on {@code file} if enabled and available. Changes the file's ctime. */
  void set(Path file) {
    if (!enabled || unavailable.get()) {
      return;
    }
    try {
      runner.runChecked(List.of("chattr", "+i", file.toAbsolutePath().toString()), TOOL_TIMEOUT);
    } catch (ImageTrustException e) {
      if (unavailable.compareAndSet(false, true)) {
        log.info("cache files are not made immutable ({}); [image_cache] immutable_files needs a filesystem "
            + "with FS_IMMUTABLE_FL (ext4, xfs, btrfs) and root", e.getMessage());
      }
    }
  }

  /**
   * Clears the flag on {@code file} before it is moved or replaced, whatever the setting (a
   * file may have been made immutable under another). A failure is left to the operation that follows, which then
   * fails with the file system's own error.
   */
  void clear(Path file) {
    try {
      runner.runChecked(List.of("chattr", "-i", file.toAbsolutePath().toString()), TOOL_TIMEOUT);
    } catch (ImageTrustException e) {
      log.debug("chattr -i {}: {}", file, e.getMessage());
    }
  }

  /** Whether {@code file} has the flag; empty when it cannot be told (no support, no file). */
  static Optional<Boolean> isSet(Path file) {
    return isSet(CommandRunner.system(), file);
  }

  /** As {@link #isSet(Path)}, running {@code lsattr} through {@code runner}. */
  static Optional<Boolean> isSet(CommandRunner runner, Path file) {
    try {
      String out = runner.runChecked(List.of("lsattr", "-d", file.toAbsolutePath().toString()), TOOL_TIMEOUT)
          .stdoutText();
      int space = out.indexOf(' ');
      return space < 0 ? Optional.empty() : Optional.of(out.substring(0, space).indexOf('i') >= 0);
    } catch (ImageTrustException e) {
      return Optional.empty();
    }
  }
}
