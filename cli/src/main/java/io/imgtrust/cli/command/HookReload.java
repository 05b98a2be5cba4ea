package io.imgtrust.cli.command;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.io.CommandRunner;
import java.time.Duration;
import java.util.List;

/**
 * Makes the running libvirtd read its hook scripts again (it reads them only at start and on SIGHUP), for the demo and
 * the benchmark that install a throwaway hook and remove it afterwards. Never restarts libvirtd.
 */
public final class HookReload {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private HookReload() {}

  /**
   * Sends SIGHUP to libvirtd and waits a second for its reload thread to rescan the hooks.
   *
   * @throws ImageTrustException {@code IO_ERROR} when no libvirtd runs or the signal cannot be sent
   */
  public static void reload(CommandRunner run) throws ImageTrustException {
    String pid = run.runChecked(List.of("pidof", "libvirtd"), TIMEOUT).stdoutText().strip();
    run.runChecked(List.of("kill", "-HUP", pid), TIMEOUT);
    try {
      Thread.sleep(1000); // libvirtd rescans its hooks in its reload thread
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
