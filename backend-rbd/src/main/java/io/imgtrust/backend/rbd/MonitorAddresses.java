package io.imgtrust.backend.rbd;

import com.google.common.collect.ImmutableList;
import com.google.common.net.HostAndPort;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitors of a Ceph configuration's {@code mon host} for a libvirt {@code <source>}: one address per monitor,
 * the msgr v2 one where a monitor lists both ({@code [v2:10.0.0.1:3300,v1:10.0.0.1:6789]}), as Ceph writes them
 * ({@code 10.0.0.1:6789}, {@code mon1}, separated by commas, semicolons or spaces).
 */
final class MonitorAddresses {
  private MonitorAddresses() {}

  /**
   * The monitors of {@code monHost}; empty when it is empty (libvirt's QEMU then reads the default Ceph config).
   *
   * @throws ImageTrustException {@code BAD_CONFIG} when an address does not parse
   */
  static ImmutableList<HostAndPort> parse(String monHost) throws ImageTrustException {
    ImmutableList.Builder<HostAndPort> out = ImmutableList.builder();
    for (String monitor : topLevel(monHost)) {
      out.add(address(monitor));
    }
    return out.build();
  }

  private static List<String> topLevel(String s) {
    List<String> items = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int depth = 0;
    for (char c : s.toCharArray()) {
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      }
      if (depth == 0 && (c == ',' || c == ';' || c == ' ' || c == '\t')) {
        flush(cur, items);
      } else {
        cur.append(c);
      }
    }
    flush(cur, items);
    return items;
  }

  private static void flush(StringBuilder cur, List<String> items) {
    if (cur.length() > 0) {
      items.add(cur.toString());
      cur.setLength(0);
    }
  }

  private static HostAndPort address(String monitor) throws ImageTrustException {
    String chosen = monitor;
    if (monitor.startsWith("[") && monitor.endsWith("]") && monitor.contains(":")
        && (monitor.startsWith("[v1:") || monitor.startsWith("[v2:"))) {
      String[] versions = monitor.substring(1, monitor.length() - 1).split(",");
      chosen = versions[0];
      for (String v : versions) {
        if (v.startsWith("v2:")) {
          chosen = v;
        }
      }
    }
    chosen = chosen.replaceFirst("^v[12]:", "").replaceFirst("/\\d+$", "");
    try {
      return HostAndPort.fromString(chosen);
    } catch (IllegalArgumentException e) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, "the Ceph configuration's mon host '" + monitor
          + "' is not an address: " + e.getMessage());
    }
  }
}
