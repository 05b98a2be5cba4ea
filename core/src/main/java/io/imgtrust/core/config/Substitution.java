package io.imgtrust.core.config;

import com.google.common.collect.ImmutableList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
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

  /** Why a value cannot be substituted. */
  static final class Unresolved extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean secret;

    Unresolved(String message, boolean secret) {
      super(message);
      this.secret = secret;
    }

    /** The message; a fixed one when the references went through a secret option. */
    String describe() {
      return secret ? "has a $ reference that cannot be resolved (not shown: it is in, or leads to, a password or "
          + "secret; $$ or \\$ is a literal $)" : getMessage();
    }
  }

  private final IniValues ini;
  private final Predicate<String> secret;
  /** The options references used, as "section option". */
  private final Set<String> used = new HashSet<>();
  /** The sections references used. */
  private final Set<String> usedSections = new HashSet<>();

  /** Substitutes over the values of {@code ini}; {@code secret} tells the option names whose values are secret. */
  Substitution(IniValues ini, Predicate<String> secret) {
    this.ini = ini;
    this.secret = secret;
  }

  /** {@code value}, the value of option {@code name} of {@code section}, with its references replaced. */
  String apply(String section, String name, String value) throws Unresolved {
    Deque<String[]> chain = new ArrayDeque<>();
    chain.add(new String[] {section, name});
    return apply(section, value, chain);
  }

  /** True if a substitution read option {@code name} of {@code section}. */
  boolean used(String section, String name) {
    return used.contains(section + " " + name);
  }

  /** True if a substitution read an option of {@code section}. */
  boolean usedSection(String section) {
    return usedSections.contains(section);
  }

  private String apply(String section, String value, Deque<String[]> chain) throws Unresolved {
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

  private String resolve(String section, String ref, Deque<String[]> chain) throws Unresolved {
    String[] target = target(section, ref);
    ImmutableList<String> values = ini.values(target[0], target[1]);
    if (values.isEmpty()) {
      throw refused("refers to $" + ref + ", which this file does not set (write the value out, or set it in ["
          + target[0] + "])", chain, target);
    }
    if (values.size() > 1) {
      throw refused("refers to $" + ref + ", which is given more than once in [" + target[0] + "]", chain, target);
    }
    for (String[] k : chain) {
      if (k[0].equals(target[0]) && k[1].equals(target[1])) {
        throw refused("refers to $" + ref + " in a circle through [" + target[0] + "] " + target[1], chain, target);
      }
    }
    if (chain.size() >= MAX_DEPTH) {
      throw refused("nests references more than " + MAX_DEPTH + " deep", chain, target);
    }
    used.add(target[0] + " " + target[1]);
    usedSections.add(target[0]);
    chain.addLast(target);
    String v = apply(target[0], values.get(0), chain);
    chain.removeLast();
    return v;
  }

  /**
   * Section and option {@code ref} names, seen from {@code section}: a plain name in that section, else in
   * [DEFAULT]; a dotted one in the section before the first dot, else a [DEFAULT] option of that dotted name.
   */
  private String[] target(String section, String ref) {
    int dot = ref.indexOf('.');
    if (dot < 0) {
      return new String[] {ini.values(section, ref).isEmpty() ? IniValues.DEFAULT : section, ref};
    }
    String[] qualified = {ref.substring(0, dot), ref.substring(dot + 1)};
    boolean literal = ini.values(qualified[0], qualified[1]).isEmpty()
        && !ini.values(IniValues.DEFAULT, ref).isEmpty();
    return literal ? new String[] {IniValues.DEFAULT, ref} : qualified;
  }

  private Unresolved refused(String message, Deque<String[]> chain, String[] target) {
    boolean s = target != null && secret.test(target[1]);
    for (String[] k : chain) {
      s |= secret.test(k[1]);
    }
    return new Unresolved(message, s);
  }
}
