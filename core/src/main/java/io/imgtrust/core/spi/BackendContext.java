package io.imgtrust.core.spi;

import static com.google.common.base.Preconditions.checkNotNull;

import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.io.CommandRunner;

/**
 * What a backend gets from the host: the configuration, the image cache, a {@link CommandRunner} for external tools
 * and its own typed settings. Immutable; {@link #withRunner} makes a copy (tests give a backend a fake runner).
 */
public final class BackendContext {
  private final ImgtrustConfig config;
  private final ImageCache cache;
  private final CommandRunner runner;

  private BackendContext(ImgtrustConfig config, ImageCache cache, CommandRunner runner) {
    this.config = checkNotNull(config);
    this.cache = checkNotNull(cache);
    this.runner = checkNotNull(runner);
  }

  /** A context running tools as real processes ({@link CommandRunner#system()}). */
  public static BackendContext of(ImgtrustConfig config, ImageCache cache) {
    return new BackendContext(config, cache, CommandRunner.system());
  }

  /** This context with {@code runner} for the backend's external tools. */
  public BackendContext withRunner(CommandRunner runner) {
    return new BackendContext(config, cache, runner);
  }

  public ImgtrustConfig config() {
    return config;
  }

  public ImageCache cache() {
    return cache;
  }

  /** Runs the backend's external tools (argument lists, time limits, captured output, typed failures). */
  public CommandRunner runner() {
    return runner;
  }

  /** Typed values of the options backends declare ({@link ImageBackendProvider#options()}). */
  public BackendSettings settings() {
    return new BackendSettings(config);
  }
}
