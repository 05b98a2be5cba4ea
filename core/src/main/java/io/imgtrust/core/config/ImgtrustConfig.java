package io.imgtrust.core.config;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.nio.file.Path;
import io.imgtrust.core.ImageTrustException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The effective configuration: every {@link Key} with its value from the file or its default. Immutable.
 *
 * <p>Values are validated when the configuration is made ({@link ConfigLoader}), so the typed getters never fail.
 */
public final class ImgtrustConfig {
  private final ImmutableMap<Key, String> values;
  private final ImmutableMap<BackendOption, String> backendValues;
  private final Optional<Path> source;
  private final ImmutableList<String> warnings;

  ImgtrustConfig(Map<Key, String> set, Map<BackendOption, String> backendSet, Optional<Path> source,
      ImmutableList<String> warnings) {
    Map<Key, String> all = new EnumMap<>(Key.class);
    for (Key k : Key.values()) {
      all.put(k, set.getOrDefault(k, k.defaultValue()));
    }
    this.values = ImmutableMap.copyOf(all);
    this.backendValues = ImmutableMap.copyOf(backendSet);
    this.source = source;
    this.warnings = warnings;
  }

  /** Every option at its default. */
  public static ImgtrustConfig defaults() {
    return new ImgtrustConfig(Map.of(), Map.of(), Optional.empty(), ImmutableList.of());
  }

  /** This configuration with {@code key} set to {@code value}; the value is validated like a file's. */
  public ImgtrustConfig with(Key key, String value) throws ImageTrustException {
    Map<Key, String> m = new EnumMap<>(values);
    m.put(key, ConfigLoader.validate(key, value, "(override)"));
    return new ImgtrustConfig(m, backendValues, source, warnings);
  }

  /** This configuration with the backend option {@code option} set to {@code value}, validated like a file's. */
  public ImgtrustConfig with(BackendOption option, String value) throws ImageTrustException {
    Map<BackendOption, String> m = new HashMap<>(backendValues);
    m.put(option, ConfigLoader.validate(option, value, "(override)"));
    return new ImgtrustConfig(values, m, source, warnings);
  }

  /** The value of a backend's option as written (validated at load), or its default when the file has none. */
  public String string(BackendOption option) {
    return backendValues.getOrDefault(option, option.defaultValue());
  }

  /** The file this came from, if any. */
  public Optional<Path> source() {
    return source;
  }

  /** Problems worth telling the operator that did not stop loading (unknown keys and sections). */
  public ImmutableList<String> warnings() {
    return warnings;
  }

  /** The value as written (or the default). */
  public String string(Key key) {
    return values.get(key);
  }

  public Path path(Key key) {
    return Path.of(values.get(key));
  }

  public boolean bool(Key key) {
    return ConfigLoader.parseBoolean(values.get(key)).orElseThrow();
  }

  public long number(Key key) {
    return Long.parseLong(values.get(key));
  }

  /** A size option in bytes. */
  public long bytes(Key key) {
    return ConfigLoader.parseSize(values.get(key)).orElseThrow();
  }

  public ImmutableList<String> list(Key key) {
    return ImmutableList.copyOf(Splitter.on(',').trimResults().omitEmptyStrings().split(values.get(key)));
  }

  /** The image cache directory: {@code <instances_path>/<subdirectory_name>}. */
  public Path cacheDir() {
    return path(Key.INSTANCES_PATH).resolve(string(Key.SUBDIRECTORY_NAME));
  }

  /** Whether refusals are enforced ({@code mode = enforce}) rather than only logged ({@code warn}). */
  public boolean enforcing() {
    return string(Key.MODE).equals("enforce");
  }
}
