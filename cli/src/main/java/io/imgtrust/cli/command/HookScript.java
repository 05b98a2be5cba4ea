package io.imgtrust.cli.command;

import java.nio.file.Path;
import java.util.List;

/**
 * The libvirt qemu hook script {@code imgtrust hook install} writes: it runs the imgtrust launcher with a given
 * configuration on {@code prepare begin} only, and passes every other operation without starting a JVM. With a
 * domain pattern it checks only the domains whose name matches it and passes every other domain unchecked.
 */
public final class HookScript {
  /** Every domain: the default, and what a production host wants. */
  public static final String ALL_DOMAINS = "*";

  /** The command the script runs, before libvirt's arguments; what {@code HookDirect} recognises. */
  public static final List<String> COMMAND = List.of("hook", "qemu", "--");

  private static final java.util.regex.Pattern GLOB = java.util.regex.Pattern.compile("[A-Za-z0-9_.*?-]{1,128}");

  private HookScript() {}

  /** True when {@code glob} is a domain pattern {@link #body} accepts: letters, digits, '.', '_', '-', '*', '?'. */
  /**
   * The imgtrust launcher script this process was started by ({@code $IMGTRUST_LAUNCHER}, which it sets), if it is
   * an executable file: what a hook script runs.
   */
  public static java.util.Optional<Path> launcher() {
    String launcher = System.getenv("IMGTRUST_LAUNCHER");
    return launcher == null || !java.nio.file.Files.isExecutable(Path.of(launcher)) ? java.util.Optional.empty()
        : java.util.Optional.of(Path.of(launcher));
  }

  public static boolean isDomainPattern(String glob) {
    return GLOB.matcher(glob).matches();
  }

  /** The script's text for every domain; see {@link #body(Path, Path, String)}. */
  public static String body(Path launcher, Path config) {
    return body(launcher, config, ALL_DOMAINS);
  }

  /**
   * The script's text: {@code launcher} (absolute) with {@code --config config} when {@code config} is not null, for
   * the domains whose name matches the shell pattern {@code domains} (checked with {@link #isDomainPattern}).
   */
  public static String body(Path launcher, Path config, String domains) {
    if (!isDomainPattern(domains)) {
      throw new IllegalArgumentException("not a domain pattern: " + domains);
    }
    String conf = config == null ? "" : " --config " + quote(config.toAbsolutePath().toString());
    String only = domains.equals(ALL_DOMAINS) ? ""
        : "# Checks only domains named " + domains + "; every other domain passes unchecked.\n"
            + "case \"$1\" in (" + domains + ") ;; (*) cat >/dev/null; exit 0 ;; esac\n";
    return "#!/bin/sh\n"
        + "# Installed by 'imgtrust hook install': checks qcow2 backing chains before every domain start.\n"
        + "# libvirt runs it as: 50-imgtrust DOMAIN OPERATION SUBOP EXTRA, with the domain XML on stdin.\n"
        + "# '--' keeps a domain named like an option (--help, -V, @file) from being read as one.\n"
        + "# Only 'prepare begin' needs the check; every other operation passes here without starting a JVM.\n"
        + only
        + "if [ \"$2\" != prepare ] || [ \"$3\" != begin ]; then cat >/dev/null; exit 0; fi\n"
        + "IMGTRUST_NO_BUILD=1 exec " + quote(launcher.toAbsolutePath().toString()) + conf
        + " " + String.join(" ", COMMAND) + " \"$@\"\n";
  }

  /** A POSIX shell single-quoted word (each single quote is closed, escaped and reopened). */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
