package io.imgtrust.core.metrics;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.io.AtomicFiles;
import io.imgtrust.core.io.RegularFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A file in the Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector reads it:
 * per metric family a {@code # HELP} and a {@code # TYPE} line, then its samples {@code name{label="value"} value},
 * without timestamps. Not thread-safe; single use.
 *
 * <p>Guarantees: names and label names are checked against the format's grammar (a bad one is a bug:
 * {@link IllegalArgumentException}); label values and help texts are escaped; a family is declared once and its
 * samples follow it directly. {@link #writeTo} replaces the file atomically (mode {@code rw-r--r--}), so a collector
 * never reads half a file; the temporary file is a dot file, which the collector ignores.
 */
public final class PrometheusText {
  /** The metric types imgtrust writes. */
  public enum Type {
    COUNTER("counter"),
    GAUGE("gauge");

    private final String word;

    Type(String word) {
      this.word = word;
    }
  }

  /** The largest file {@link #readSamples} reads. */
  public static final int MAX_READ = 1 << 20;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final StringBuilder text = new StringBuilder();
  private final Set<String> declared = new HashSet<>();
  private String current;

  private PrometheusText() {}

  /** An empty file. */
  public static PrometheusText create() {
    return new PrometheusText();
  }

  /** Declares family {@code name}; its samples must follow before the next family. */
  public PrometheusText family(String name, Type type, String help) {
    checkArgument(NAME.matcher(name).matches(), "bad metric name %s", name);
    checkArgument(declared.add(name), "family %s declared twice", name);
    current = name;
    text.append("# HELP ").append(name).append(' ')
        .append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    text.append("# TYPE ").append(name).append(' ').append(type.word).append('\n');
    return this;
  }

  /** A sample of the family declared last, with no labels. */
  public PrometheusText sample(double value) {
    return sample(ImmutableMap.of(), value);
  }

  /** A sample of the family declared last; {@code labels} in the order given. */
  public PrometheusText sample(Map<String, String> labels, double value) {
    checkState(current != null, "sample before any family");
    text.append(series(current, labels)).append(' ').append(format(value)).append('\n');
    return this;
  }

  /** The text as UTF-8. */
  public byte[] toBytes() {
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return text.toString();
  }

  /** Replaces {@code file} with this text atomically (temp file, fsync, rename), mode {@code rw-r--r--}. */
  public void writeTo(Path file) throws IOException {
    AtomicFiles.write(file, toBytes(), "rw-r--r--");
  }

  /**
   * A series as this class writes it, e.g. {@code imgtrust_cache_entries{state="VERIFIED"}}: the key under which
   * {@link #readSamples} returns its value.
   */
  public static String series(String name, Map<String, String> labels) {
    checkArgument(NAME.matcher(name).matches(), "bad metric name %s", name);
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append('{');
    String sep = "";
    for (Map.Entry<String, String> l : labels.entrySet()) {
      checkArgument(LABEL.matcher(l.getKey()).matches() && !l.getKey().startsWith("__"), "bad label %s", l.getKey());
      b.append(sep).append(l.getKey()).append("=\"").append(l.getValue().replace("\\", "\\\\")
          .replace("\"", "\\\"").replace("\n", "\\n")).append('"');
      sep = ",";
    }
    return b.append('}').toString();
  }

  /**
   * The samples of a file this class wrote, by {@link #series} text; empty when the file does not exist. Lines that
   * are not samples of that shape (another writer's, a damaged file) are skipped: callers use this to carry
   * counters over from the previous file, and a counter that restarts at 0 is what Prometheus expects after a reset.
   *
   * @throws IOException also when the file is a symbolic link (never followed), not a regular file (a FIFO is never
   *     opened), owned by another user, or larger than {@value #MAX_READ} bytes
   */
  public static ImmutableMap<String, Double> readSamples(Path file) throws IOException {
    Optional<byte[]> bytes = RegularFiles.read(file, MAX_READ);
    if (bytes.isEmpty()) {
      return ImmutableMap.of();
    }
    String content = new String(bytes.get(), StandardCharsets.UTF_8);
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : content.split("\n", -1)) {
      int space = line.lastIndexOf(' ');
      if (line.startsWith("#") || space <= 0) {
        continue;
      }
      try {
        out.putIfAbsent(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      } catch (NumberFormatException e) {
        // not a sample this class wrote: skipped
      }
    }
    return ImmutableMap.copyOf(out);
  }

  /** Integers as integers, other values in plain decimal; NaN and infinities as the format spells them. */
  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
      return Long.toString((long) v);
    }
    return BigDecimal.valueOf(v).toPlainString();
  }
}
