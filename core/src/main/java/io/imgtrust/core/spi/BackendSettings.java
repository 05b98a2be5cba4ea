package io.imgtrust.core.spi;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.BackendOption;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.config.ImgtrustConfig;
import java.nio.file.Path;

/**
 * A backend's own settings, typed: the value of each option it declared, from the configuration file or the
 * option's default. Values are checked against the option's type again here, so a backend never sees a bad one:
 * {@code BAD_CONFIG} names the file, section and option. Immutable.
 */
public final class BackendSettings {
  private final ImgtrustConfig config;

  BackendSettings(ImgtrustConfig config) {
    this.config = config;
  }

  /** The settings of {@code config}, for a module that declared its options through {@link OptionProvider}. */
  public static BackendSettings of(ImgtrustConfig config) {
    return new BackendSettings(config);
  }

  /** The value as written, or the default. */
  public String string(BackendOption option) throws ImageTrustException {
    String origin = config.source().map(String::valueOf).orElse("(defaults)");
    return ConfigLoader.validate(option, config.string(option), origin);
  }

  /** A comma-separated list option, trimmed, without empty items. */
  public ImmutableList<String> list(BackendOption option) throws ImageTrustException {
    return ImmutableList.copyOf(Splitter.on(',').trimResults().omitEmptyStrings().split(string(option)));
  }

  public Path path(BackendOption option) throws ImageTrustException {
    return Path.of(string(option));
  }

  public boolean bool(BackendOption option) throws ImageTrustException {
    return Boolean.parseBoolean(string(option));
  }

  public long number(BackendOption option) throws ImageTrustException {
    return Long.parseLong(string(option));
  }
}
