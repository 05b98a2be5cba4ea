package io.imgtrust.cli;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.metadata.GlanceMetadata;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;

/**
 * Start-up work done on a spare core while the main thread parses the command line and loads the configuration: the
 * libraries a command meets one after the other before its first hashed byte (or, for the libvirt hook, before its
 * answer), initialised in the order the command needs them. Purely an optimisation: nothing waits for it, and a
 * failure here is met again, and reported, where the command does the same work.
 */
final class StartUp {
  /** One library to initialise. */
  enum Step {
    /** The JSON reader for image metadata and sealed records. */
    JSON,
    /** The native bridge for reading large images (holes, unmapping). */
    NATIVE,
    /** The sealed records' HMAC (about 20 ms of security providers) and timestamp parser. */
    HMAC,
    /** The JDK's XML parser, for the domain definition the hook reads (about 25 ms of class initialisation). */
    XML;

    void run() throws Exception {
      switch (this) {
        case JSON:
          GlanceMetadata.preload();
          break;
        case NATIVE:
          ImageDigester.preload();
          break;
        case HMAC:
          ImageCache.preload();
          break;
        case XML:
          DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
              .parse(new ByteArrayInputStream("<domain><name>x</name></domain>".getBytes(StandardCharsets.UTF_8)));
          break;
      }
    }
  }

  /** What each command that reads images warms, in the order it needs it. */
  private static final ImmutableMap<String, ImmutableList<Step>> WARM = ImmutableMap.of(
      "verify", ImmutableList.of(Step.JSON, Step.NATIVE),
      "cache", ImmutableList.of(Step.JSON, Step.HMAC, Step.NATIVE),
      "spawn", ImmutableList.of(Step.JSON, Step.HMAC, Step.NATIVE),
      "hook", ImmutableList.of(Step.JSON, Step.XML, Step.HMAC, Step.NATIVE));

  private StartUp() {}

  /** The steps {@code command} (null: none) warms, in order; empty for commands that read no image. */
  static ImmutableList<Step> steps(String command) {
    return command == null ? ImmutableList.of() : WARM.getOrDefault(command, ImmutableList.of());
  }

  /** Starts the warm-up for {@code command} (null: none) on a daemon thread. */
  static void warm(String command) {
    ImmutableList<Step> steps = steps(command);
    if (steps.isEmpty()) {
      return;
    }
    Thread t = new Thread(() -> runAll(steps), "imgtrust-warm");
    t.setDaemon(true);
    t.start();
  }

  /** Runs {@code steps} in order; a failing step is skipped (see the class comment). */
  static void runAll(List<Step> steps) {
    for (Step s : steps) {
      try {
        s.run();
      } catch (Throwable e) { // even an Error: this thread must never print or end the process
        // see the class comment
      }
    }
  }
}
