package io.imgtrust.cli;

import java.util.Arrays;

/** Configures slf4j-simple from the command line, before the first logger is made: logs go to stderr. */
final class Logging {
  private Logging() {}

  static void configure(String[] args) {
    long v = Arrays.stream(args).filter(a -> a.equals("-v") || a.equals("--verbose")).count()
        + Arrays.stream(args).filter(a -> a.equals("-vv")).count() * 2;
    // The libvirt hook's stderr becomes libvirt's error message: keep it to the one-line reason.
    boolean hook = Arrays.asList(args).contains("hook") && Arrays.asList(args).contains("qemu");
    // The demo provokes refusals on purpose and reports them itself.
    boolean demo = Arrays.asList(args).contains("demo");
    String level = v >= 2 ? "debug" : v == 1 ? "info" : hook ? "off" : demo ? "error" : "warn";
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
    setDefault("org.slf4j.simpleLogger.logFile", "System.err");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.levelInBrackets", "true");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
