package io.imgtrust.host;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Defines and starts domains through libvirt-java, with a check between define and start. On any failure the domain
 * it defined is destroyed and undefined again; a domain that already existed is never touched. A refusal by the
 * imgtrust libvirt hook comes back inside libvirt's error message; it is turned back into its typed reason.
 */
final class LibvirtDomains {
  private static final Pattern HOOK_REASON = Pattern.compile("imgtrust: ([A-Z_]+): ([^\\n]*)");

  /** The check run on libvirt's own XML of the defined domain, right before the start. */
  interface BeforeStart {
    void check(String domainXml) throws ImageTrustException;
  }

  private final String uri;

  LibvirtDomains(String uri) {
    this.uri = uri;
  }

  BootedDomain boot(DomainSpec spec, String diskXml, BeforeStart check) throws ImageTrustException {
    Connect conn = connect();
    Domain d = null;
    try {
      if (exists(conn, spec.name())) {
        throw ImageTrustException.of(Reason.TARGET_EXISTS, "a domain named " + spec.name() + " is already defined");
      }
      long t0 = System.nanoTime();
      d = conn.domainDefineXML(spec.toXml(diskXml));
      long t1 = System.nanoTime();
      check.check(d.getXMLDesc(0));
      long t2 = System.nanoTime();
      d.create();
      long t3 = System.nanoTime();
      return new BootedDomain(spec.name(), uri, DomainSpec.domainType(), d.isActive() == 1, ms(t1 - t0),
          ms(t2 - t1), ms(t3 - t2));
    } catch (LibvirtException e) {
      undefine(d);
      throw translate(spec.name(), e);
    } catch (ImageTrustException | RuntimeException e) {
      undefine(d);
      throw e;
    } finally {
      close(conn);
    }
  }

  /** Stops and undefines domain {@code name}, if it exists. */
  void destroyAndUndefine(String name) throws ImageTrustException {
    Connect conn = connect();
    try {
      undefine(conn.domainLookupByName(name));
    } catch (LibvirtException e) {
      // no such domain: nothing to undo
    } finally {
      close(conn);
    }
  }

  private Connect connect() throws ImageTrustException {
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

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
