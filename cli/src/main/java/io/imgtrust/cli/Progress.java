package io.imgtrust.cli;

import io.imgtrust.core.digest.CopyProgress;
import java.io.PrintStream;

/** A progress bar on the terminal (stderr), redrawn at most every 100 ms; silent when not on a terminal. */
public final class Progress implements CopyProgress {
  private final String label;
  private final PrintStream err;
  private long lastDraw;

  private Progress(String label, PrintStream err) {
    this.label = label;
    this.err = err;
  }

  /** A bar when stdout is a terminal and the output is not JSON; otherwise nothing. */
  public static CopyProgress forTerminal(String label, boolean json) {
    return json || System.console() == null ? CopyProgress.NONE : new Progress(label, System.err);
  }

  @Override
  public void update(long done, long total) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int pct = total == 0 ? 100 : (int) (done * 100 / total);
    String bar = "#".repeat(pct / 4) + " ".repeat(25 - pct / 4);
    err.print("\r" + label + " [" + bar + "] " + pct + "% " + (done >> 20) + "/" + (total >> 20) + " MiB");
    if (done >= total) {
      err.println();
    }
    err.flush();
  }
}
