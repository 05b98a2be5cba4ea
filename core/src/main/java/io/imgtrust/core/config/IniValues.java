package io.imgtrust.core.config;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.configuration2.INIConfiguration;
import org.apache.commons.configuration2.SubnodeConfiguration;

/**
 * The values of an INI file as written, by section and option name, in file order: keys before any section belong to
 * {@code [DEFAULT]}, a section given twice is one section, an option given twice has two values. Values are stripped
 * of surrounding white space and inline comments; nothing is looked up or substituted (commons-configuration's own
 * {@code ${env:...}}, {@code ${file:...}} lookups are off). Immutable.
 */
final class IniValues {
  static final String DEFAULT = "DEFAULT";

  private final ImmutableMap<String, ImmutableListMultimap<String, String>> sections;

  private IniValues(ImmutableMap<String, ImmutableListMultimap<String, String>> sections) {
    this.sections = sections;
  }

  /** The values of a parsed file. */
  static IniValues of(INIConfiguration ini) {
    Map<String, ImmutableListMultimap.Builder<String, String>> out = new LinkedHashMap<>();
    for (String section : ini.getSections()) {
      SubnodeConfiguration s = ini.getSection(section);
      s.setInterpolator(null); // a section has an interpolator of its own, with the default lookups
      ImmutableListMultimap.Builder<String, String> values =
          out.computeIfAbsent(section == null ? DEFAULT : section, k -> ImmutableListMultimap.builder());
      for (Iterator<String> it = s.getKeys(); it.hasNext(); ) {
        String key = it.next();
        List<Object> raw = s.getList(Object.class, key, List.of());
        String name = key.replace("..", "."); // commons-configuration escapes a dot in a key as two
        if (raw.isEmpty()) {
          values.put(name, "");
        }
        for (Object v : raw) {
          values.put(name, v == null ? "" : String.valueOf(v).strip());
        }
      }
    }
    ImmutableMap.Builder<String, ImmutableListMultimap<String, String>> b = ImmutableMap.builder();
    out.forEach((name, values) -> b.put(name, values.build()));
    return new IniValues(b.buildOrThrow());
  }

  /** The sections, in file order. */
  ImmutableSet<String> sections() {
    return sections.keySet();
  }

  /** The options of {@code section} with their values, in file order (empty if there is no such section). */
  ImmutableListMultimap<String, String> section(String section) {
    return sections.getOrDefault(section, ImmutableListMultimap.of());
  }

  /** The values given for option {@code name} of {@code section}: none, one, or more (given more than once). */
  ImmutableList<String> values(String section, String name) {
    return section(section).get(name);
  }
}
