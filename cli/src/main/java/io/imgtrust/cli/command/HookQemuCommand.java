package io.imgtrust.cli.command;

import io.imgtrust.cli.Logging;
import io.imgtrust.cli.Root;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.host.ImgtrustHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code imgtrust hook qemu DOMAIN OPERATION SUBOP EXTRA}, as libvirt runs {@code /etc/libvirt/hooks/qemu(.d/*)}
 * with the domain XML on stdin. On {@code prepare begin} it runs the qcow2 before-boot check on every disk of the
 * domain, which logs (INFO) what it checked and what passed and why, and a refusal is logged (WARN) too; every other
 * operation passes at once (stdin is drained, nothing is printed, so XML-filtering operations see no change).
 */
@Command(name = "qemu", mixinStandardHelpOptions = true,
    description = {"The libvirt qemu hook entry (domain XML on stdin). On 'prepare begin' it checks every disk: "
        + "qcow2 backing chains, volumes resolved through their pool, any cache file a guest would read (rechecked "
        + "per [verification] recheck) and that libvirt will not relabel one; a disk it cannot follow is refused. "
        + "A refusal exits non-zero with a one-line reason on stderr, which libvirt shows in the start error and "
        + "which stops the start.",
        "Other operations exit 0 at once. Do not call libvirt from here.",
        "Log lines (WARN and above; INFO with -v), each naming the domain, are appended to [DEFAULT] log_file, or to "
            + "/var/log/imgtrust/hook.log when that is empty; in mode = warn that is where a failed check shows."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:boot may go on", " 2:malformed domain XML or config", " 3:refused (DIGEST_MISMATCH, "
        + "UNTRUSTED_BACKING_FILE, UNSAFE_IMAGE, UNSAFE_DOMAIN, RECORD_INVALID, ...)", " 4:host failure"})
final class HookQemuCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(HookQemuCommand.class);
  static final int MAX_XML = 4 << 20;

  @ParentCommand HookCommand hook;

  @Parameters(index = "0", paramLabel = "DOMAIN") String domain;
  @Parameters(index = "1", paramLabel = "OPERATION") String operation;
  @Parameters(index = "2", paramLabel = "SUBOP") String subop;
  @Parameters(index = "3", paramLabel = "EXTRA", arity = "0..1") String extra;

  @Override
  public Integer call() throws Exception {
    return run(hook.root, domain, operation, subop);
  }

  /** The hook's work, for {@link #call} and for the direct path of {@link Commands#hookQemu}. */
  static int run(Root root, String domain, String operation, String subop) throws Exception {
    byte[] xml = readStdin();
    if (!operation.equals("prepare") || !subop.equals("begin")) {
      return 0;
    }
    if (xml.length > MAX_XML) {
      throw ImageTrustException.of(Reason.MALFORMED_DOMAIN, "domain XML of " + domain + " is larger than " + MAX_XML);
    }
    Logging.context("hook qemu " + domain);
    ImgtrustConfig config = root.loadConfig();
    try (ImgtrustHost host = ImgtrustHost.open(config)) {
      host.beforeBoot(new String(xml, StandardCharsets.UTF_8));
    } catch (ImageTrustException e) {
      log.error("domain {}: start refused: {}: {}", domain, e.reason(), e.getMessage());
      throw e;
    }
    return 0;
  }

  private static byte[] readStdin() throws IOException {
    InputStream in = System.in;
    byte[] xml = in.readNBytes(MAX_XML + 1);
    in.transferTo(java.io.OutputStream.nullOutputStream());
    return xml;
  }
}
