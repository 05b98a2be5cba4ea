package io.imgtrust.cli;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Turns exceptions into the contract's output and exit status. */
final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    return fail(ex, output(cl, parsed.originalArgs().toArray(new String[0])));
  }

  /** Prints {@code ex} as the contract says through {@code out} and returns the exit status. */
  static int fail(Exception ex, Output out) {
    if (ex instanceof ImageTrustException) {
      ImageTrustException e = (ImageTrustException) ex;
      if (e.getCause() != null) {
        log.debug("cause of {}", e.reason(), e.getCause());
      }
      return out.failure(e);
    }
    if (ex instanceof java.io.IOException) {
      return out.failure(ImageTrustException.wrap(Reason.IO_ERROR,
          io.imgtrust.core.IoErrors.describe((java.io.IOException) ex), ex));
    }
    log.error("unexpected failure", ex);
    return out.failure(ImageTrustException.wrap(Reason.INTERNAL, "unexpected: " + ex, ex));
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    Output out = output(ex.getCommandLine(), args);
    int code = out.failure(ImageTrustException.of(Reason.USAGE, ex.getMessage()));
    if (!out.json()) {
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, System.err);
      System.err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
    }
    return code;
  }

  private static Output output(CommandLine cl, String[] args) {
    Object root = cl.getCommandSpec().root().userObject();
    // Not after "--": a hook's domain may be named "--json"; its refusal still goes to stderr, which libvirt shows.
    boolean json = Main.beforeEndOfOptions(args).contains("--json") || (root instanceof Root && ((Root) root).json);
    return new Output(json);
  }
}
