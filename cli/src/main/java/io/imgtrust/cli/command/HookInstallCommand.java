package io.imgtrust.cli.command;

import io.imgtrust.cli.Logging;
import io.imgtrust.cli.Output;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust hook install}: writes {@code /etc/libvirt/hooks/qemu.d/50-imgtrust}. */
@Command(name = "install", mixinStandardHelpOptions = true,
    description = {"Install the libvirt qemu hook: writes HOOKS_DIR/qemu.d/50-imgtrust, which runs this imgtrust "
        + "with this configuration (--config, made absolute) on every domain start, and says where the hook logs "
        + "([DEFAULT] log_file, else /var/log/imgtrust/hook.log).",
        "libvirtd reads new hooks only at start or on SIGHUP: afterwards run `kill -HUP $(pidof libvirtd)` or "
            + "restart libvirtd."})
final class HookInstallCommand implements Callable<Integer> {
  @ParentCommand HookCommand hook;

  @Option(names = "--hooks-dir", paramLabel = "DIR", defaultValue = "/etc/libvirt/hooks",
      description = "libvirt's hook directory (default: ${DEFAULT-VALUE}).")
  Path hooksDir;

  @Option(names = "--name", defaultValue = "50-imgtrust", description = "Script name (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--domains", paramLabel = "GLOB", defaultValue = HookScript.ALL_DOMAINS,
      description = "Check only the domains whose name matches this shell pattern (letters, digits, '.', '_', '-', "
          + "'*', '?'); every other domain starts unchecked. Default: every domain (${DEFAULT-VALUE}), what a "
          + "compute host wants; a pattern such as 'instance-*' suits a host that also runs domains the image "
          + "cache never backs.")
  String domains;

  @Override
  public Integer call() throws Exception {
    if (!HookScript.isDomainPattern(domains)) {
      throw ImageTrustException.of(Reason.USAGE, "--domains must be a shell pattern of letters, digits, '.', '_', "
          + "'-', '*' and '?' (at most 128), not '" + domains + "'");
    }
    Path launcher = HookScript.launcher().orElseThrow(
        () -> ImageTrustException.of(Reason.USAGE, "run hook install through the imgtrust launcher script"));
    if (!io.imgtrust.core.spi.SpawnRequest.isPlainName(name)) {
      throw ImageTrustException.of(Reason.USAGE, "--name must be a plain file name (letters, digits, '.', '_', '-')");
    }
    // The config first: a hook installed with a config it cannot load would refuse every domain start.
    String log = Logging.file(hook.root.loadConfig(), true).orElseThrow().toString();
    Path script = hooksDir.resolve("qemu.d").resolve(name);
    Files.createDirectories(script.getParent());
    String body = HookScript.body(launcher, hook.root.configFile(), domains);
    AtomicFiles.write(script, body.getBytes(StandardCharsets.UTF_8), "rwxr-xr-x");
    String note = "libvirtd reads new hooks only at start or on SIGHUP: run `kill -HUP $(pidof libvirtd)` or "
        + "restart libvirtd";
    hook.root.output().success(
        Output.ok().put("hook", script.toString()).put("domains", domains).put("log", log).put("note", note),
        List.of("installed " + script + " for domains " + domains, "the hook logs to " + log + " ([DEFAULT] log_file)",
            note));
    return 0;
  }
}
