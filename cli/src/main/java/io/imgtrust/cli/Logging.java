package io.imgtrust.cli;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.io.RegularFiles;
import io.imgtrust.core.io.StrictModes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Configures slf4j-simple from the command line, before the first logger is made, and sends its lines to a
 * {@link LogTarget}: stderr until the configuration is loaded, then {@code [DEFAULT] log_file} (appended) when set.
 * The libvirt hook's stderr is libvirt's error message, so the hook never logs there: its lines (WARN and above, INFO
 * with {@code -v}) go to {@code log_file}, or to {@value #HOOK_LOG} when that is empty, or nowhere when the file
 * cannot be written or is not safe to write (see {@link #open}): logging never fails or stalls a boot.
 */
public final class Logging {
  /** Where the hook logs when {@code log_file} is empty. */
  static final Path HOOK_LOG = Path.of("/var/log/imgtrust/hook.log");

  private static LogTarget target;
  private static boolean hook;

  private Logging() {}

  static void configure(String[] args) {
    // Only what comes before "--": after it, a hook's domain may be named "demo" or "-v".
    List<String> options = Main.beforeEndOfOptions(args);
    long v = options.stream().filter(a -> a.equals("-v") || a.equals("--verbose")).count()
        + options.stream().filter(a -> a.equals("-vv")).count() * 2;
    hook = options.contains("hook") && options.contains("qemu");
    // The demo provokes refusals on purpose and reports them itself.
    boolean demo = options.contains("demo");
    String level = v >= 2 ? "debug" : v == 1 ? "info" : demo ? "error" : "warn";
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.levelInBrackets", "true");
    if (System.getProperty("org.slf4j.simpleLogger.logFile") != null) {
      return;
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.cacheOutputStream", "true");
    target = hook ? LogTarget.buffered() : LogTarget.to(System.err);
    // slf4j-simple caches System.err as it is when it starts: make it the target for that moment.
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(target, true, StandardCharsets.UTF_8));
    try {
      LoggerFactory.getLogger(Logging.class);
    } finally {
      System.setErr(stderr);
    }
  }

  /** Where log lines of this command go under {@code config}: {@code log_file}, the hook's default, or stderr. */
  public static Optional<Path> file(ImgtrustConfig config, boolean forHook) {
    String f = config.string(Key.LOG_FILE);
    return !f.isEmpty() ? Optional.of(Path.of(f)) : forHook ? Optional.of(HOOK_LOG) : Optional.empty();
  }

  /** Switches logging to the file {@code config} names, now that it is loaded. No-op without {@link #configure}. */
  static void useConfig(ImgtrustConfig config) {
    if (target == null) {
      return;
    }
    Optional<Path> file = file(config, hook);
    if (file.isEmpty()) {
      if (hook) {
        target.discard();
      }
      return;
    }
    try {
      target.toFile(open(file.get(), file.get().equals(HOOK_LOG)));
    } catch (IOException | ImageTrustException | RuntimeException e) {
      if (hook) {
        target.discard();
      } else {
        System.err.println("imgtrust: cannot write log_file " + file.get() + " ("
            + (e instanceof IOException ? IoErrors.describe((IOException) e) : e.getMessage())
            + "); logging to stderr");
      }
    }
  }

  /** What the lines of this process name in a log file, e.g. the hook's domain. */
  public static void context(String c) {
    if (target != null) {
      target.context(c);
    }
  }

  /**
   * Opens {@code file} for appending, created {@code rw-r-----}; its directory too ({@code rwxr-x---}) if asked. The
   * directory must pass {@link StrictModes#checkDirectory} (no one else can plant or swap the file), and the file
   * must be a regular file, not a symbolic link: never followed, and a FIFO, which would block the hook, is never
   * opened.
   */
  static OutputStream open(Path file, boolean makeDir) throws IOException, ImageTrustException {
    Path dir = file.toAbsolutePath().getParent();
    if (makeDir) {
      Files.createDirectories(dir.getParent());
      StrictModes.createDirectory(dir, "rwxr-x---");
    }
    StrictModes.checkDirectory("log directory", dir);
    return Channels.newOutputStream(RegularFiles.openWrite(file, "rw-r-----", StandardOpenOption.CREATE,
        StandardOpenOption.APPEND));
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
