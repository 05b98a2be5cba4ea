package io.imgtrust.core.config;

import com.google.common.collect.HashMultimap;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.SetMultimap;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * oslo.config's variable substitution in option values, as a shared nova.conf uses it ({@code instances_path =
 * $state_path/instances}): {@code $name} and {@code ${name}} are the value of option {@code name} of the same section,
 * else of {@code [DEFAULT]}; {@code $section.name} and {@code ${section.name}} name the section (else, as in
 * oslo.config, they are a {@code [DEFAULT]} option of that dotted name); {@code $$} and {@code \$} are one {@code $};
 * a {@code $} followed by anything else stays as it is (PEP 292). Referenced values are substituted in turn.
 *
 * <p>Unlike oslo.config, which leaves a reference it cannot resolve in the value, a reference to an option the file
 * does not set (imgtrust does not know Nova's defaults, such as {@code state_path}'s), to one given more than once, or
 * a circular one is refused: a literal {@code $state_path/instances} would otherwise be taken as a relative path. So
 * is a substitution nested more than {@value #MAX_DEPTH} deep or longer than {@value #MAX_LENGTH} characters. A
 * refusal that involves a secret option (in the value's chain of references) names nothing of it.
 */
final class Substitution {
  static final int MAX_DEPTH = 32;
  static final int MAX_LENGTH = 65536;
  private static final String NAME = "[_a-zA-Z][._a-zA-Z0-9]*";
  private static final Pattern REF = Pattern.compile("\\$(?:(\\$)|(" + NAME + ")|\\{(" + NAME + ")})");

  /** Why a value cannot be substituted; the message names nothing of a secret option its references involve. */
  static final class Unresolved extends Exception {
    private static final long serialVersionUID = 1L;

    Unresolved(String message) {
      super(message);
    }
  }

  private final IniValues ini;
  /** The options references read, by section. */
  private final SetMultimap<String, String> used = HashMultimap.create();

  Substitution(IniValues ini) {
    this.ini = ini;
  }

  /** Options whose values are never shown in messages (Keystone passwords, application credential secrets). */
  static boolean secret(String name) {
    return name.contains("password") || name.contains("secret");
  }

  /** {@code value}, the value of option {@code name} of {@code section}, with its references replaced. */
  String apply(String section, String name, String value) throws Unresolved {
    Deque<OptionRef> chain = new ArrayDeque<>();
    chain.add(new OptionRef(section, name));
    return apply(section, value, chain);
  }

  /** True if a substitution read option {@code name} of {@code section}. */
  boolean used(String section, String name) {
    return used.containsEntry(section, name);
  }

  /** True if a substitution read an option of {@code section}. */
  boolean usedSection(String section) {
    return used.containsKey(section);
  }

  private String apply(String section, String value, Deque<OptionRef> chain) throws Unresolved {
    if (value.indexOf('$') < 0) {
      return value;
    }
    Matcher m = REF.matcher(value.replace("\\$", "$$"));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String ref = m.group(2) != null ? m.group(2) : m.group(3);
      m.appendReplacement(out, Matcher.quoteReplacement(ref == null ? "$" : resolve(section, ref, chain)));
      if (out.length() > MAX_LENGTH) {
        throw refused("expands to more than " + MAX_LENGTH + " characters", chain, null);
      }
    }
    return m.appendTail(out).toString();
  }

  private String resolve(String section, String ref, Deque<OptionRef> chain) throws Unresolved {
    OptionRef target = target(section, ref);
    ImmutableList<String> values = ini.values(target.section(), target.name());
    if (values.isEmpty()) {
      throw refused("refers to $" + ref + ", which this file does not set (write the value out, or set it in ["
          + target.section() + "])", chain, target);
    }
    if (values.size() > 1) {
      throw refused("refers to $" + ref + ", which is given more than once in [" + target.section() + "]", chain,
          target);
    }
    if (chain.contains(target)) {
      throw refused("refers to $" + ref + " in a circle through [" + target.section() + "] " + target.name(), chain,
          target);
    }
    if (chain.size() >= MAX_DEPTH) {
      throw refused("nests references more than " + MAX_DEPTH + " deep", chain, target);
    }
    used.put(target.section(), target.name());
    chain.addLast(target);
    String v = apply(target.section(), values.get(0), chain);
    chain.removeLast();
    return v;
  }

  /**
   * The option {@code ref} names, seen from {@code section}: a plain name in that section, else in [DEFAULT]; a
   * dotted one in the section before the first dot, else a [DEFAULT] option of that dotted name.
   */
  private OptionRef target(String section, String ref) {
    int dot = ref.indexOf('.');
    if (dot < 0) {
      return new OptionRef(ini.values(section, ref).isEmpty() ? IniValues.DEFAULT : section, ref);
    }
    OptionRef qualified = new OptionRef(ref.substring(0, dot), ref.substring(dot + 1));
    boolean literal = ini.values(qualified.section(), qualified.name()).isEmpty()
        && !ini.values(IniValues.DEFAULT, ref).isEmpty();
    return literal ? new OptionRef(IniValues.DEFAULT, ref) : qualified;
  }

  /** The refusal: {@code message}, or a fixed one when the chain or its target is a secret option. */
  private static Unresolved refused(String message, Deque<OptionRef> chain, OptionRef target) {
    boolean s = target != null && secret(target.name()) || chain.stream().anyMatch(o -> secret(o.name()));
    return new Unresolved(s ? "has a $ reference that cannot be resolved (not shown: it is in, or leads to, a "
        + "password or secret; $$ or \\$ is a literal $)" : message);
  }
}
