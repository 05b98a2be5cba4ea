package io.imgtrust.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.spi.ImageBackend;
import io.imgtrust.core.spi.PreparedDisk;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Defines and starts a domain through libvirt-java, calling the backend's before-boot check right before the start.
 * On any failure the domain is undefined again (the caller removes the disk). A refusal by the imgtrust libvirt hook
 * comes back inside libvirt's error message; it is turned back into its typed reason.
 */
final class LibvirtBoot {
  private static final Pattern HOOK_REASON = Pattern.compile("imgtrust: ([A-Z_]+): ([^\\n]*)");

  private LibvirtBoot() {}

  static ObjectNode boot(String uri, String name, PreparedDisk disk, ImageBackend backend)
      throws ImageTrustException {
    Connect conn = connect(uri);
    Domain d = null;
    ObjectNode o = Output.object().put("name", name).put("uri", uri).put("type", DomainXml.type());
    try {
      if (exists(conn, name)) {
        throw ImageTrustException.of(Reason.TARGET_EXISTS, "a domain named " + name + " is already defined");
      }
      long t0 = System.nanoTime();
      d = conn.domainDefineXML(DomainXml.of(name, disk.diskXml(), 256));
      long t1 = System.nanoTime();
      backend.beforeBoot(d.getXMLDesc(0));
      long t2 = System.nanoTime();
      d.create();
      long t3 = System.nanoTime();
      return o.put("state", d.isActive() == 1 ? "running" : "not running").put("define_ms", (t1 - t0) / 1_000_000)
          .put("before_boot_ms", (t2 - t1) / 1_000_000).put("start_ms", (t3 - t2) / 1_000_000);
    } catch (LibvirtException e) {
      undefine(d);
      throw translate(name, e);
    } catch (ImageTrustException | RuntimeException e) {
      undefine(d);
      throw e;
    } finally {
      close(conn);
    }
  }

  /** Stops and undefines a domain, if it exists (demo clean-up). */
  static void destroyAndUndefine(String uri, String name) throws ImageTrustException {
    Connect conn = connect(uri);
    try {
      undefine(conn.domainLookupByName(name));
    } catch (LibvirtException e) {
      // already gone
    } finally {
      close(conn);
    }
  }

  private static Connect connect(String uri) throws ImageTrustException {
    try {
      Connect.setErrorCallback((ptr, err) -> { });
      return new Connect(uri, false);
    } catch (LibvirtException | UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw ImageTrustException.wrap(Reason.LIBVIRT_ERROR, "cannot connect to " + uri + ": " + e.getMessage()
          + " (is libvirtd running? scripts/libvirt-up.sh starts it)", e);
    }
  }

  private static boolean exists(Connect conn, String name) {
    try {
      return conn.domainLookupByName(name) != null;
    } catch (LibvirtException e) {
      return false;
    }
  }

  static ImageTrustException translate(String name, LibvirtException e) {
    String msg = e.getError() != null && e.getError().getMessage() != null ? e.getError().getMessage()
        : String.valueOf(e.getMessage());
    Matcher m = HOOK_REASON.matcher(msg);
    if (m.find()) {
      try {
        return ImageTrustException.of(Reason.valueOf(m.group(1)), "libvirt hook refused to start " + name + ": "
            + m.group(2));
      } catch (IllegalArgumentException unknown) {
        // not one of our reasons: fall through
      }
    }
    return ImageTrustException.wrap(Reason.LIBVIRT_ERROR, "libvirt: " + msg.strip(), e);
  }

  private static void undefine(Domain d) {
    if (d == null) {
      return;
    }
    try {
      if (d.isActive() == 1) {
        d.destroy();
      }
      d.undefine();
    } catch (LibvirtException ignored) {
      // best effort; the original failure matters more
    }
  }

  private static void close(Connect c) {
    try {
      c.close();
    } catch (LibvirtException ignored) {
      // nothing to do
    }
  }
}
