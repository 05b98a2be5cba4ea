package io.imgtrust.glance;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The TLS context of {@code [glance] cafile} and {@code insecure}, as Nova's keystoneauth session applies them. */
final class Tls {
  private Tls() {}

  static SSLContext context(GlanceSettings s) throws ImageTrustException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (s.insecure()) {
        // The JDK client checks host names unless this is set; insecure means neither check, as in keystoneauth.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
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

  /** {@code insecure = true}: every server certificate is accepted. */
  @SuppressWarnings("TrustAllCertificates")
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
