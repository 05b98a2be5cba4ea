package io.imgtrust.core.config;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Objects;

/**
 * An option a backend module declares through its provider ({@code ImageBackendProvider.options()}): its INI section,
 * name, type, default (as written in the file) and one line of documentation. The configuration loader knows the
 * options of every installed backend: it validates their values (a bad one is {@code BAD_CONFIG} naming the file,
 * section and option) and reports only what nobody declared. Immutable; equal when section and name are.
 */
public final class BackendOption {
  private final String section;
  private final String name;
  private final Key.Type type;
  private final String defaultValue;
  private final String doc;

  private BackendOption(String section, String name, Key.Type type, String defaultValue, String doc) {
    this.section = checkNotNull(section);
    this.name = checkNotNull(name);
    this.type = checkNotNull(type);
    this.defaultValue = checkNotNull(defaultValue);
    this.doc = checkNotNull(doc);
  }

  /**
   * An option {@code [section] name} of {@code type}.
   *
   * @throws IllegalArgumentException if the option is one of core's {@link Key}s (a backend cannot redefine those)
   */
  public static BackendOption of(String section, String name, Key.Type type, String defaultValue, String doc) {
    checkArgument(Key.find(section, name).isEmpty(), "[%s] %s is a core option", section, name);
    return new BackendOption(section, name, type, defaultValue, doc);
  }

  public String section() {
    return section;
  }

  /** The option name within its section. */
  public String optionName() {
    return name;
  }

  public Key.Type type() {
    return type;
  }

  /** The default, as it would be written in the file. */
  public String defaultValue() {
    return defaultValue;
  }

  /** One line for the operator: what the option does. */
  public String doc() {
    return doc;
  }

  /** {@code [section] name}, for messages. */
  public String qualifiedName() {
    return "[" + section + "] " + name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackendOption && ((BackendOption) o).section.equals(section)
        && ((BackendOption) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(section, name);
  }

  @Override
  public String toString() {
    return qualifiedName();
  }
}
