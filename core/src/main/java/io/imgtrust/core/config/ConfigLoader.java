package io.imgtrust.core.config;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.spi.Backends;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.INIConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the nova.conf-style INI file into an {@link ImgtrustConfig}.
 *
 * <p>Options imgtrust does not know (neither a core {@link Key} nor a {@link BackendOption} an installed backend
 * declares) are reported as warnings (logged, and kept in {@link ImgtrustConfig#warnings()}) so a shared nova.conf
 * can be used; an unknown option another value refers to is not. Values substitute as oslo.config's do
 * ({@link Substitution}); there are no other lookups. A bad value (a path that is not absolute, a reference that
 * cannot be resolved), a duplicated option or an unreadable file is {@link Reason#BAD_CONFIG}, with the file, section
 * and option named; the message quotes the value as written, and never the value of an option named like a password
 * or secret. Keys before any section belong to {@code [DEFAULT]}.
 */
public final class ConfigLoader {
  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");
  private static final Pattern INT = Pattern.compile("[0-9]{1,18}");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})\\s*([KkMmGgTt](?:i?B)?)?");

  private ConfigLoader() {}

  /**
   * Loads {@code file} knowing the options of the installed backends ({@code Backends.declaredOptions()}) and
   * modules ({@code OptionProvider.declared()}); every
   * option not in it keeps its default.
   */
  public static ImgtrustConfig load(Path file) throws ImageTrustException {
    return load(file, com.google.common.collect.ImmutableList.<BackendOption>builder()
        .addAll(Backends.declaredOptions()).addAll(io.imgtrust.core.spi.OptionProvider.declared()).build());
  }

  /** Loads {@code file}; {@code declared} are the backend options besides core's {@link Key}s. */
  public static ImgtrustConfig load(Path file, Collection<BackendOption> declared) throws ImageTrustException {
    INIConfiguration ini = new INIConfiguration();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      r.mark(1);
      if (r.read() != '\uFEFF') {
        r.reset();
      }
      ini.read(r);
    } catch (IOException | ConfigurationException | RuntimeException e) {
      throw ImageTrustException.wrap(Reason.BAD_CONFIG, "cannot read config " + file + ": "
          + (e instanceof IOException ? IoErrors.describe((IOException) e) : e.getMessage()), e);
    }
    IniValues values = IniValues.of(ini);
    Reading r = new Reading(file, declared, new Substitution(values));
    List<String> unused = new ArrayList<>();
    for (String name : values.sections()) {
      if (!Key.sections().contains(name) && declared.stream().noneMatch(o -> o.section().equals(name))) {
        unused.add(name);
        continue;
      }
      readSection(r, name, values.section(name));
    }
    unused.stream().filter(name -> !r.substitution.usedSection(name))
        .forEach(name -> r.warnings.add(file + ": section [" + name + "] is not used by imgtrust"));
    r.unknown.stream().filter(o -> !r.substitution.used(o.section(), o.name()))
        .forEach(o -> r.warnings.add(file + ": unknown option [" + o.section() + "] " + o.name() + " ignored"));
    ImmutableList<String> w = r.warnings.build();
    w.forEach(log::warn);
    return new ImgtrustConfig(r.set, r.backend, Optional.of(file), w);
  }

  private static void readSection(Reading r, String section, ImmutableListMultimap<String, String> values)
      throws ImageTrustException {
    for (String name : values.keySet()) {
      Optional<Key> key = Key.find(section, name);
      Optional<BackendOption> option = r.declared.stream()
          .filter(o -> o.section().equals(section) && o.optionName().equals(name)).findFirst();
      if (key.isEmpty() && option.isEmpty()) {
        r.unknown.add(new OptionRef(section, name)); // warned about unless a value refers to it
        continue;
      }
      String origin = r.file.toString();
      if (values.get(name).size() > 1) {
        throw bad(origin, section, name, "is given more than once");
      }
      String written = values.get(name).get(0);
      String value;
      try {
        value = r.substitution.apply(section, name, written);
      } catch (Substitution.Unresolved e) {
        throw bad(origin, section, name, e.getMessage());
      }
      Key.Type type = key.isPresent() ? key.get().type() : option.get().type();
      String shown = Substitution.secret(name) ? "(not shown)" : quoted(written, value);
      String valid = validate(type, section, name, value, shown, origin);
      if (key.isPresent()) {
        r.set.put(key.get(), valid);
      } else {
        r.backend.put(option.get(), valid);
      }
    }
  }

  /** A value for a message: as written (never what a reference pulled in from another option). */
  private static String quoted(String written, String value) {
    return "'" + written + "'" + (written.equals(value) ? "" : " (as written)");
  }

  /** Checks {@code value} against {@code key}'s type; returns it normalised. */
  static String validate(Key key, String value, String origin) throws ImageTrustException {
    return validate(key.type(), key.section(), key.optionName(), value, "'" + value + "'", origin);
  }

  /** Checks {@code value} against {@code option}'s type; returns it normalised. */
  public static String validate(BackendOption option, String value, String origin) throws ImageTrustException {
    return validate(option.type(), option.section(), option.optionName(), value, "'" + value + "'", origin);
  }

  /** Checks {@code value} against type {@code t}; a refusal names it as {@code shown}. */
  private static String validate(Key.Type t, String section, String key, String value, String shown,
      String origin) throws ImageTrustException {
    if (t == Key.Type.BOOLEAN) {
      return parseBoolean(value).map(String::valueOf)
          .orElseThrow(() -> bad(origin, section, key, shown + " is not a boolean (true or false)"));
    }
    if (t == Key.Type.NON_NEGATIVE_INT) {
      if (value.isEmpty()) {
        throw bad(origin, section, key, "must not be empty");
      }
      if (!INT.matcher(value).matches()) {
        throw bad(origin, section, key, shown + " is not an integer >= 0");
      }
      return value;
    }
    if (t == Key.Type.SIZE) {
      if (parseSize(value).isEmpty()) {
        throw bad(origin, section, key, shown + " is not " + t.description());
      }
      return value;
    }
    if (!t.choices().isEmpty() && !t.choices().contains(value)) {
      throw bad(origin, section, key, shown + " is not " + t.description());
    }
    if (t == Key.Type.NAME && !NAME.matcher(value).matches()) {
      throw bad(origin, section, key, shown + " is not " + t.description());
    }
    if (t == Key.Type.PATH && value.isEmpty()) {
      throw bad(origin, section, key, "must not be empty");
    }
    if (t == Key.Type.PATH && !value.startsWith("/")) {
      throw bad(origin, section, key, shown + " is not an absolute path");
    }
    return value;
  }

  /** Bytes of a size such as {@code 1073741824}, {@code 512M} or {@code 1T} (binary units); empty if malformed. */
  static Optional<Long> parseSize(String value) {
    java.util.regex.Matcher m = SIZE.matcher(value);
    if (!m.matches()) {
      return Optional.empty();
    }
    int shift = m.group(2) == null ? 0 : 10 * ("KMGT".indexOf(Character.toUpperCase(m.group(2).charAt(0))) + 1);
    long n = Long.parseLong(m.group(1));
    return n > (Long.MAX_VALUE >> shift) ? Optional.empty() : Optional.of(n << shift);
  }

  static Optional<Boolean> parseBoolean(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "on": case "1":
        return Optional.of(true);
      case "false": case "no": case "off": case "0":
        return Optional.of(false);
      default:
        return Optional.empty();
    }
  }

  private static ImageTrustException bad(String origin, String section, String option, String problem) {
    return ImageTrustException.of(Reason.BAD_CONFIG, origin + ": [" + section + "] " + option + " " + problem,
        Map.of("file", origin, "section", section, "option", option));
  }

  /** What one load has read so far. */
  private static final class Reading {
    final Path file;
    final Collection<BackendOption> declared;
    final Map<Key, String> set = new EnumMap<>(Key.class);
    final Map<BackendOption, String> backend = new HashMap<>();
    final ImmutableList.Builder<String> warnings = ImmutableList.builder();
    /** Unknown options seen: a warning each unless a value refers to it. */
    final List<OptionRef> unknown = new ArrayList<>();
    final Substitution substitution;

    Reading(Path file, Collection<BackendOption> declared, Substitution substitution) {
      this.file = file;
      this.declared = declared;
      this.substitution = substitution;
    }
  }
}
