package io.imgtrust.cli;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.metadata.GlanceMetadata;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
    /** The security providers and HMAC behind sealed records (about 20 ms of provider loading). */
    HMAC,
    /** The JDK's XML parser, for the domain definition the hook reads (about 25 ms of class initialisation). */
    XML,
    /** The ISO-8601 parser for the records' timestamps. */
    TIME;

    void run() throws Exception {
      switch (this) {
        case JSON:
          GlanceMetadata.preload();
          break;
        case NATIVE:
          ImageDigester.preload();
          break;
        case HMAC:
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
          mac.doFinal(new byte[1]);
          break;
        case XML:
          DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
              .parse(new ByteArrayInputStream("<domain><name>x</name></domain>".getBytes(StandardCharsets.UTF_8)));
          break;
        case TIME:
          Instant.parse("2026-01-01T00:00:00.5Z");
          break;
      }
    }
  }

  /** What each command that reads images warms, in the order it needs it. */
  private static final ImmutableMap<String, ImmutableList<Step>> WARM = ImmutableMap.of(
      "verify", ImmutableList.of(Step.JSON, Step.NATIVE),
      "cache", ImmutableList.of(Step.JSON, Step.HMAC, Step.TIME, Step.NATIVE),
      "spawn", ImmutableList.of(Step.JSON, Step.HMAC, Step.TIME, Step.NATIVE),
      "hook", ImmutableList.of(Step.JSON, Step.XML, Step.HMAC, Step.TIME, Step.NATIVE));

  private StartUp() {}

  /** The steps {@code command} (null: none) warms, in order; empty for commands that read no image. */
  static ImmutableList<Step> steps(String command) {
    return command == null ? ImmutableList.of() : WARM.getOrDefault(command, ImmutableList.of());
  }

  /** Every step (the class-data archive's training runs them all). */
  static ImmutableList<Step> all() {
    return ImmutableList.copyOf(Step.values());
  }

  /** Starts the warm-up for {@code command} (null: none) on a daemon thread. */
  static void warm(String command) {
    ImmutableList<Step> steps = steps(command);
    if (steps.isEmpty()) {
      return;
    }
    Thread t = new Thread(new Warming(steps), "imgtrust-warm");
    t.setDaemon(true);
    t.start();
  }

  /** Runs steps in order; a failing step is skipped (see the class comment). */
  static final class Warming implements Runnable {
    private final ImmutableList<Step> steps;

    Warming(ImmutableList<Step> steps) {
      this.steps = steps;
    }

    @Override
    public void run() {
      for (Step s : steps) {
        try {
          s.run();
        } catch (Throwable e) { // even an Error: this thread must never print or end the process
          // see the class comment
        }
      }
    }
  }
}
