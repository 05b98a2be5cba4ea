package io.imgtrust.cli;

import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.metadata.GlanceMetadata;

/**
 * Start-up work done on a spare core while the main thread parses the command line and loads the configuration: the
 * native bridge for reading large images and the JSON reader for image metadata, which commands that read images
 * otherwise meet one after the other before their first hashed byte. Purely an optimisation: nothing waits for it,
 * and a failure here is met again, and reported, where the command does the same work.
 */
final class StartUp {
  /** The commands that read images. */
  private static final ImmutableSet<String> READERS = ImmutableSet.of("verify", "cache", "spawn", "hook");

  private StartUp() {}

  /** Starts the warm-up for {@code command} (null: none) on a daemon thread. */
  static void warm(String command) {
    if (command == null || !READERS.contains(command)) {
      return;
    }
    Thread t = new Thread(StartUp::load, "imgtrust-warm");
    t.setDaemon(true);
    t.start();
  }

  private static void load() {
    try {
      GlanceMetadata.preload();
      ImageDigester.preload();
    } catch (RuntimeException | LinkageError e) {
      // see the class comment
    }
  }
}
