package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.digest.CopyProgress;
import io.imgtrust.core.testing.CacheFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [glance] cafile} and {@code insecure} against a real TLS endpoint (socat with openssl-made certificates) in
 * front of the real glance-api of {@code scripts/glance-up.sh}: Glance's API no longer serves TLS itself.
 */
class GlanceTlsIT {
  private static final byte[] IMAGE = CacheFixture.randomImage(2 << 20, 13);
  @TempDir static Path dir;
  private static Path tls;
  private static String id;
  private static TlsProxy named;
  private static TlsProxy misnamed;

  @BeforeAll
  static void setUp() throws Exception {
    RealGlance glance = RealGlance.running();
    id = glance.upload(IMAGE);
    tls = dir.resolve("tls");
    named = TlsProxy.start(tls, "glance", "DNS:localhost,IP:127.0.0.1", glance.endpoint);
    misnamed = TlsProxy.start(tls, "other", "DNS:other.example", glance.endpoint);
  }

  @AfterAll
  static void tearDown() {
    named.close();
    misnamed.close();
  }

  /** A cache of its own with {@code [glance]} pointing at {@code server}, with {@code lines}. */
  private static CacheFixture cache(String name, URI server, String... lines) throws Exception {
    return CacheFixture.create(dir.resolve(name), "[glance]\napi_servers = " + server + "\nnum_retries = 0\n"
        + String.join("\n", lines));
  }

  private static CacheEntry fetch(CacheFixture f) throws Exception {
    return GlanceFetch.fetch(GlanceClients.fromConfig(f.conf), f.cache, id, CopyProgress.NONE);
  }

  @Test
  void fetch_serverCertificateFromTheCafilesCa_verifiedAndCached() throws Exception {
    CacheFixture f = cache("cafile", named.uri("localhost"), "cafile = " + TlsProxy.ca(tls));

    CacheEntry e = fetch(f);

    assertThat(Files.readAllBytes(e.file())).isEqualTo(IMAGE);
  }

  @Test
  void fetch_untrustedServerCertificateWithoutCafile_glanceErrorNamingTls() throws Exception {
    CacheFixture f = cache("no-cafile", named.uri("localhost"));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> fetch(f));

    assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
    assertThat(e.getMessage()).contains("TLS handshake failed").contains("certification path").contains("cafile");
    assertThat(f.cache.list()).isEmpty();
  }

  @Test
  void fetch_certificateForAnotherHostName_refused() throws Exception {
    CacheFixture f = cache("misnamed", misnamed.uri("localhost"), "cafile = " + TlsProxy.ca(tls));

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> fetch(f));

    assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
    assertThat(e.getMessage()).contains("TLS handshake failed").contains("localhost");
    assertThat(f.cache.list()).isEmpty();
  }

  @Test
  void fetch_insecureUntrustedMisnamedCertificate_worksWarnsAndLeavesOtherClientsChecking() throws Exception {
    CacheFixture insecure = cache("insecure", misnamed.uri("localhost"), "insecure = true");
    PrintStream stderr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    GlanceClient client;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      client = GlanceClients.fromConfig(insecure.conf);
    } finally {
      System.setErr(stderr);
    }

    CacheEntry e = GlanceFetch.fetch(client, insecure.cache, id, CopyProgress.NONE);

    assertThat(Files.readAllBytes(e.file())).isEqualTo(IMAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("WARN").contains("insecure = true")
        .contains("not checked");
    CacheFixture checking = cache("after-insecure", misnamed.uri("localhost"), "cafile = " + TlsProxy.ca(tls));
    assertThat(catchThrowableOfType(ImageTrustException.class, () -> fetch(checking)).getMessage())
        .as("a client made after an insecure one still checks host names").contains("TLS handshake failed");
  }
}
