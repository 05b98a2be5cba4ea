package io.imgtrust.core.testing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format for tests: every line must be {@code # HELP name text},
 * {@code # TYPE name counter|gauge} or a sample {@code name{label="v",...} value}; each family has one HELP and one
 * TYPE before its samples, and its samples are contiguous; no series twice; the text ends with a newline. Any other
 * line fails with {@link IllegalArgumentException} naming it.
 */
public final class PromTextParser {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{" + LABEL + "(?:," + LABEL + ")*\\})? "
      + "([-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]Inf|NaN)");

  /** The samples by series text ({@code name{labels}}) and the types by family name. */
  public static final class Parsed {
    public final Map<String, Double> samples = new LinkedHashMap<>();
    public final Map<String, String> types = new LinkedHashMap<>();

    /** The value of a series, failing when it is absent. */
    public double value(String series) {
      Double v = samples.get(series);
      if (v == null) {
        throw new IllegalArgumentException("no series " + series + " in " + samples.keySet());
      }
      return v;
    }
  }

  private PromTextParser() {}

  public static Parsed parse(String text) {
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("text does not end with a newline");
    }
    Parsed p = new Parsed();
    Map<String, Boolean> help = new HashMap<>();
    String open = null;
    for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        require(help.put(m.group(1), true) == null && !p.types.containsKey(m.group(1)), "HELP after TYPE", line);
        open = m.group(1);
      } else if ((m = TYPE.matcher(line)).matches()) {
        require(m.group(1).equals(open) && !p.types.containsKey(open), "TYPE without its HELP", line);
        p.types.put(m.group(1), m.group(2));
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        require(m.group(1).equals(open) && p.types.containsKey(open), "sample outside its family", line);
        String value = m.group(3).replace("Inf", "Infinity");
        require(p.samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(value))
            == null, "series twice", line);
      } else {
        throw new IllegalArgumentException("not a HELP, TYPE or sample line: '" + line + "'");
      }
    }
    return p;
  }

  private static void require(boolean ok, String problem, String line) {
    if (!ok) {
      throw new IllegalArgumentException(problem + ": '" + line + "'");
    }
  }
}
