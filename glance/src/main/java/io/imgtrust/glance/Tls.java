package io.imgtrust.glance;

import com.google.common.base.Throwables;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of {@code [glance] cafile} and {@code insecure}, as Nova's keystoneauth session applies them: the
 * server certificate must chain to a CA of {@code cafile} (else the JDK's) and name the host; {@code insecure}
 * checks neither, for this client only, and says so in a warning.
 */
final class Tls {
  private static final Logger log = LoggerFactory.getLogger(Tls.class);

  private Tls() {}

  static SSLContext context(GlanceSettings s) throws ImageTrustException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (s.insecure()) {
        log.warn("[glance] insecure = true: the certificates and host names of {} are not checked; anyone on the "
            + "path can answer for Glance (the image's own digests and signature are still checked)",
            s.apiServers());
        ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      } else if (s.cafile().isPresent()) {
        ctx.init(null, trustManagers(s), new SecureRandom());
      } else {
        return SSLContext.getDefault();
      }
      return ctx;
    } catch (GeneralSecurityException e) {
      throw ImageTrustException.wrap(Reason.BAD_CONFIG, "[glance] cafile: " + e.getMessage(), e);
    }
  }

  /**
   * What went wrong in a request, for a message: for a TLS handshake the innermost cause (an untrusted certificate, a
   * host name it does not name) with the options that decide it; otherwise the exception itself.
   */
  static String describe(IOException e) {
    if (!(e instanceof SSLException)) {
      return e.toString();
    }
    return "TLS handshake failed: " + Throwables.getRootCause(e).getMessage() + " (the server's certificate must "
        + "chain to a CA of [glance] cafile, or the JDK's without it, and name the host)";
  }

  private static TrustManager[] trustManagers(GlanceSettings s) throws GeneralSecurityException,
      ImageTrustException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    try (InputStream in = Files.newInputStream(s.cafile().orElseThrow())) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.BAD_CONFIG, "[glance] cafile " + s.cafile().orElseThrow() + ": "
          + IoErrors.describe(e), e);
    }
    if (i == 0) {
      throw ImageTrustException.of(Reason.BAD_CONFIG, "[glance] cafile " + s.cafile().orElseThrow()
          + " holds no certificate");
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /**
   * {@code insecure = true}: every server certificate is accepted, whatever host it names. An extended trust manager,
   * because the JDK checks the host name itself around a plain {@code X509TrustManager}.
   */
  @SuppressWarnings("TrustAllCertificates")
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
