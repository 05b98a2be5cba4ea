package io.imgtrust.cli.command;

import java.nio.file.Path;

/**
 * The libvirt qemu hook script {@code imgtrust hook install} writes: it runs the imgtrust launcher with a given
 * configuration on {@code prepare begin} only, and passes every other operation without starting a JVM.
 */
public final class HookScript {
  private HookScript() {}

  /** The script's text: {@code launcher} (absolute) with {@code --config config} when {@code config} is not null. */
  public static String body(Path launcher, Path config) {
    String conf = config == null ? "" : " --config " + quote(config.toAbsolutePath().toString());
    return "#!/bin/sh\n"
        + "# Installed by 'imgtrust hook install': checks qcow2 backing chains before every domain start.\n"
        + "# libvirt runs it as: 50-imgtrust DOMAIN OPERATION SUBOP EXTRA, with the domain XML on stdin.\n"
        + "# Only 'prepare begin' needs the check; every other operation passes here without starting a JVM.\n"
        + "if [ \"$2\" != prepare ] || [ \"$3\" != begin ]; then cat >/dev/null; exit 0; fi\n"
        + "IMGTRUST_NO_BUILD=1 exec " + quote(launcher.toAbsolutePath().toString()) + conf + " hook qemu \"$@\"\n";
  }

  /** A POSIX shell single-quoted word (each single quote is closed, escaped and reopened). */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
