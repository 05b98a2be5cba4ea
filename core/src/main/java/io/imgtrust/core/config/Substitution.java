package io.imgtrust.core.config;

import com.google.common.collect.ImmutableList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * oslo.config's variable substitution in option values, as a shared nova.conf uses it ({@code instances_path =
 * $state_path/instances}): {@code $name} and {@code ${name}} are the value of option {@code name} of the same section,
 * else of {@code [DEFAULT]}; {@code $section.name} and {@code ${section.name}} name the section; {@code $$} and
 * {@code \$} are one {@code $}; a {@code $} followed by anything else stays as it is (PEP 292). Referenced values are
 * substituted in turn.
 *
 * <p>Unlike oslo.config, which leaves a reference it cannot resolve in the value, a reference to an option the file
 * does not set (imgtrust does not know Nova's defaults, such as {@code state_path}'s), to one given more than once, or
 * a circular one is refused: a literal {@code $state_path/instances} would otherwise be taken as a relative path.
 */
final class Substitution {
  private static final String NAME = "[_a-zA-Z][._a-zA-Z0-9]*";
  private static final Pattern REF = Pattern.compile("\\$(?:(\\$)|(" + NAME + ")|\\{(" + NAME + ")})");

  /** Why a value cannot be substituted. */
  static final class Unresolved extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reference;

    Unresolved(String reference, String why) {
      super(why);
      this.reference = reference;
    }

    /** The message, naming the reference only if {@code showReference} (it may be part of a secret). */
    String describe(boolean showReference) {
      return showReference ? "refers to $" + reference + ", " + getMessage()
          : "has a $ reference that " + getMessage() + " (the value is not shown; $$ or \\$ is a literal $)";
    }
  }

  private final IniValues ini;
  /** The options references used, as "section option". */
  private final Set<String> used = new HashSet<>();

  Substitution(IniValues ini) {
    this.ini = ini;
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
    Matcher m = REF.matcher(value.replace("\\$", "$$"));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String ref = m.group(2) != null ? m.group(2) : m.group(3);
      m.appendReplacement(out, Matcher.quoteReplacement(ref == null ? "$" : resolve(section, ref, chain)));
    }
    return m.appendTail(out).toString();
  }

  private String resolve(String section, String ref, Deque<String> chain) throws Unresolved {
    int dot = ref.indexOf('.');
    String name = dot < 0 ? ref : ref.substring(dot + 1);
    String from = dot >= 0 ? ref.substring(0, dot)
        : !ini.values(section, name).isEmpty() ? section : IniValues.DEFAULT;
    ImmutableList<String> values = ini.values(from, name);
    if (values.isEmpty()) {
      throw new Unresolved(ref, "which this file does not set (write the value out, or set it in "
          + (dot >= 0 || section.equals(from) ? "[" + from + "]" : "[" + section + "] or [" + from + "]") + ")");
    }
    if (values.size() > 1) {
      throw new Unresolved(ref, "which is given more than once in [" + from + "]");
    }
    String key = from + " " + name;
    if (chain.contains(key)) {
      throw new Unresolved(ref, "in a circle: " + String.join(" -> ", chain) + " -> " + key);
    }
    used.add(key);
    chain.addLast(key);
    String v = apply(from, values.get(0), chain);
    chain.removeLast();
    return v;
  }
}
