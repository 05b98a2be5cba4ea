package io.imgtrust.cli;

import picocli.CommandLine;

/**
 * Entry point of the {@code imgtrust} command. Exit status: 0 success, 2 usage error or malformed input, 3 verification refused
 * the image, 4 backend or host failure, 1 anything unexpected. With {@code --json} every command prints exactly one
 * JSON object on stdout, also on failure.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Logging.configure(args);
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (for tests). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Root());
    cl.setExecutionExceptionHandler(new Failures());
    cl.setParameterExceptionHandler(new Failures());
    cl.setExitCodeExceptionMapper(t -> 1);
    return cl.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"imgtrust " + (v == null ? "(development build)" : v)};
    }
  }
}
