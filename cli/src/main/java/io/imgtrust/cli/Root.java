package io.imgtrust.cli;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.ConfigLoader;
import io.imgtrust.core.config.ImgtrustConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The options every command shares: where the configuration is and how to print. */
@Command(name = "imgtrust", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Verifies that VM images are intact and signed by someone you trust.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        " 0:success",
        " 2:usage error or malformed input (bad JSON, bad base64, unknown option, unreadable file)",
        " 3:verification refused the image (digest, signature, certificate, unsafe image)",
        " 4:backend or host failure (I/O, no space, libvirt, Ceph, LVM)",
        " 1:anything unexpected"})
public final class Root implements java.util.concurrent.Callable<Integer> {
  /** Used when --config is not given and the file exists. */
  static final Path DEFAULT_CONFIG = Path.of("/etc/imgtrust/imgtrust.conf");

  @Option(names = "--config", paramLabel = "FILE",
      description = "INI configuration (nova.conf style). Default: $IMGTRUST_CONFIG, else "
          + "/etc/imgtrust/imgtrust.conf if it exists, else built-in defaults.")
  Path config;

  @Option(names = "--json", description = "Print exactly one JSON object on stdout, also on failure.")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Log what happens (info); twice for debug.")
  boolean[] verbose = new boolean[0];

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** No command given: a usage error. */
  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing command: one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** The effective configuration; from now on log lines go to its {@code log_file}, if any. */
  public ImgtrustConfig loadConfig() throws ImageTrustException {
    Path file = config;
    if (file == null && System.getenv("IMGTRUST_CONFIG") != null) {
      file = Path.of(System.getenv("IMGTRUST_CONFIG"));
    }
    if (file == null && Files.isRegularFile(DEFAULT_CONFIG)) {
      file = DEFAULT_CONFIG;
    }
    ImgtrustConfig loaded = file == null ? ImgtrustConfig.defaults() : ConfigLoader.load(file);
    Logging.useConfig(loaded);
    return loaded;
  }

  /** Where results and failures are printed: text, or JSON with {@code --json}. */
  public Output output() {
    return new Output(json);
  }

  /** True with {@code --json}. */
  public boolean json() {
    return json;
  }

  /** The file given with {@code --config}, or null. */
  public Path configFile() {
    return config;
  }
}
