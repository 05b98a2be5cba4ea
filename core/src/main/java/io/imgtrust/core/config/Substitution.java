package io.imgtrust.core.config;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * oslo.config's variable substitution in option values, as a shared nova.conf uses it ({@code instances_path =
 * $state_path/instances}): {@code $name} and {@code ${name}} are the value of option {@code name} of the same section,
 * else of {@code [DEFAULT]}; {@code ${section.name}} names the section; {@code $$} is one {@code $}; a {@code $}
 * followed by anything else stays as it is (PEP 292). Referenced values are substituted in turn.
 *
 * <p>Unlike oslo.config, which leaves a reference it cannot resolve in the value, a reference to an option the file
 * does not set (imgtrust does not know Nova's defaults, such as {@code state_path}'s) or a circular one is refused:
 * a literal {@code $state_path/instances} would otherwise be taken as a relative path.
 */
final class Substitution {
  private static final Pattern REF =
      Pattern.compile("\\$(?:(\\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\\{([_a-zA-Z][_a-zA-Z0-9]*(?:\\.[_a-zA-Z][_a-zA-Z0-9]*)?)})");

  /** Why a value cannot be substituted. */
  static final class Unresolved extends Exception {
    private static final long serialVersionUID = 1L;

    Unresolved(String message) {
      super(message);
    }
  }

  /** The raw values of the file: section, then option name, then value. */
  private final ImmutableMap<String, ImmutableMap<String, String>> raw;
  /** The options references used, as "section option". */
  private final Set<String> used = new HashSet<>();

  Substitution(ImmutableMap<String, ImmutableMap<String, String>> raw) {
    this.raw = raw;
  }

  /** {@code value}, the value of option {@code name} of {@code section}, with its references replaced. */
  String apply(String section, String name, String value) throws Unresolved {
    Deque<String> chain = new ArrayDeque<>();
    chain.add(section + " " + name);
    return apply(section, value, chain);
  }

  /** True if a substitution read option {@code name} of {@code section}. */
  boolean used(String section, String name) {
    return used.contains(section + " " + name);
  }

  private String apply(String section, String value, Deque<String> chain) throws Unresolved {
    if (value.indexOf('$') < 0) {
      return value;
    }
    Matcher m = REF.matcher(value);
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (m.find()) {
      out.append(value, at, m.start());
      at = m.end();
      if (m.group(1) != null) {
        out.append('$');
        continue;
      }
      String ref = m.group(2) != null ? m.group(2) : m.group(3);
      out.append(resolve(section, ref, chain));
    }
    return out.append(value, at, value.length()).toString();
  }

  private String resolve(String section, String ref, Deque<String> chain) throws Unresolved {
    int dot = ref.indexOf('.');
    String name = dot < 0 ? ref : ref.substring(dot + 1);
    Optional<String> from = dot >= 0 ? Optional.of(ref.substring(0, dot)).filter(s -> has(s, name))
        : Optional.of(section).filter(s -> has(s, name)).or(() -> Optional.of("DEFAULT").filter(s -> has(s, name)));
    if (from.isEmpty()) {
      throw new Unresolved("refers to $" + ref + ", which this file does not set (write the value out, or set "
          + (dot < 0 ? "[" + section + "] or [DEFAULT] " + name : "[" + ref.substring(0, dot) + "] " + name)
          + "; $$ is a literal $)");
    }
    String key = from.get() + " " + name;
    if (chain.contains(key)) {
      throw new Unresolved("refers to $" + ref + " in a circle: " + String.join(" -> ", chain) + " -> " + key);
    }
    used.add(key);
    chain.addLast(key);
    String v = apply(from.get(), raw.get(from.get()).get(name), chain);
    chain.removeLast();
    return v;
  }

  private boolean has(String section, String name) {
    Map<String, String> s = raw.get(section);
    return s != null && s.containsKey(name);
  }
}
