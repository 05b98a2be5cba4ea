package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Our token logic against a fake Keystone (and Glance): issue, renewal before expiry, renewal after a 401. */
class KeystoneTokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  /** Keystone issuing token "t{n}" valid for 10 minutes from the fake clock's now; POSTs elsewhere are Glance. */
  private FakeHttp keystone(int glanceStatusForFirstToken) throws Exception {
    return new FakeHttp((x, i) -> {
      if (x.getRequestURI().getPath().endsWith("/auth/tokens")) {
        x.getResponseHeaders().set("X-Subject-Token", "t" + i);
        FakeHttp.json(x, 201, "{\"token\":{\"expires_at\":\"" + now.get().plusSeconds(600) + "\"}}");
      } else {
        String t = x.getRequestHeaders().getFirst("X-Auth-Token");
        FakeHttp.json(x, "t0".equals(t) ? glanceStatusForFirstToken : 200,
            "{\"id\":\"img-1\",\"status\":\"active\",\"disk_format\":\"raw\",\"size\":1,\"checksum\":"
                + "\"0123456789abcdef0123456789abcdef\"}");
      }
    });
  }

  private KeystoneTokens tokens(FakeHttp http, GlanceAuth auth) {
    return new KeystoneTokens(HttpClient.newHttpClient(), auth, Duration.ofSeconds(5),
        GlanceSettings.DEFAULT_MIN_DOWNLOAD_RATE, clock);
  }

  /** Keystone answering in 15 pieces 100 ms apart: 1.5 s for a few hundred bytes, below any real floor. */
  private RawHttp slowKeystone() throws Exception {
    String body = "{\"token\":{\"expires_at\":\"" + T0.plusSeconds(600) + "\"}}" + " ".repeat(150);
    return new RawHttp((out, head, i) -> {
      RawHttp.write(out, "HTTP/1.1 201 Created\r\nX-Subject-Token: t0\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n");
      for (int p = 0; p < body.length(); p += 13) {
        RawHttp.write(out, body.substring(p, Math.min(body.length(), p + 13)));
        Thread.sleep(100);
      }
    });
  }

  private KeystoneTokens slowTokens(RawHttp http, long minRate) {
    return new KeystoneTokens(HttpClient.newHttpClient(), password(http.uri()), Duration.ofMillis(500), minRate,
        clock);
  }

  @Test
  void token_minDownloadRateZero_slowKeystoneAnswerAccepted() throws Exception {
    try (RawHttp http = slowKeystone()) {
      assertThat(slowTokens(http, 0).token()).contains("t0");
    }
  }

  @Test
  void token_minDownloadRateSet_slowKeystoneAnswerGlanceError() throws Exception {
    try (RawHttp http = slowKeystone()) {
      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> slowTokens(http, 1000).token());

      assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.getMessage()).contains("min_download_rate");
    }
  }

  private static GlanceAuth password(URI url) {
    return GlanceAuth.password(url, "nova", "Default", "pw-secret", "service", "Default");
  }

  @Test
  void token_stillValid_reusedWithoutAnotherRequest() throws Exception {
    try (FakeHttp http = keystone(200)) {
      KeystoneTokens t = tokens(http, password(URI.create(http.uri() + "/v3")));

      String first = t.token().orElseThrow();
      now.set(T0.plusSeconds(500));

      assertThat(t.token()).contains(first);
      assertThat(http.requests).hasSize(1);
    }
  }

  @Test
  void token_within30sOfExpiry_renewedBeforeUse() throws Exception {
    try (FakeHttp http = keystone(200)) {
      KeystoneTokens t = tokens(http, password(http.uri()));
      String first = t.token().orElseThrow();

      now.set(T0.plusSeconds(600 - 29));

      assertThat(t.token().orElseThrow()).isNotEqualTo(first);
      assertThat(http.requests).extracting(FakeHttp.Request::path)
          .containsExactly("/v3/auth/tokens", "/v3/auth/tokens");
    }
  }

  @Test
  void passwordRequest_scopedToTheProjectWithDomains() throws Exception {
    try (FakeHttp http = keystone(200)) {
      tokens(http, password(http.uri())).token();

      JsonNode auth = JSON.readTree(http.requests.get(0).body()).get("auth");
      assertThat(auth.at("/identity/methods/0").asText()).isEqualTo("password");
      assertThat(auth.at("/identity/password/user/name").asText()).isEqualTo("nova");
      assertThat(auth.at("/identity/password/user/domain/name").asText()).isEqualTo("Default");
      assertThat(auth.at("/scope/project/name").asText()).isEqualTo("service");
    }
  }

  @Test
  void applicationCredentialRequest_idAndSecretNoScope() throws Exception {
    try (FakeHttp http = keystone(200)) {
      tokens(http, GlanceAuth.applicationCredential(http.uri(), "ac-id", "ac-secret")).token();

      JsonNode auth = JSON.readTree(http.requests.get(0).body()).get("auth");
      assertThat(auth.at("/identity/application_credential/id").asText()).isEqualTo("ac-id");
      assertThat(auth.at("/identity/application_credential/secret").asText()).isEqualTo("ac-secret");
      assertThat(auth.has("scope")).isFalse();
    }
  }

  @Test
  void keystoneRefuses_glanceErrorWithoutTheSecret() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> FakeHttp.json(x, 401, "{}"))) {
      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> tokens(http, password(http.uri())).token());

      assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.getMessage()).contains("401").doesNotContain("pw-secret");
    }
  }

  @Test
  void glanceAnswers401_tokenRenewedAndRequestRepeatedOnce() throws Exception {
    try (FakeHttp http = keystone(401)) {
      GlanceSettings s = GlanceSettings.of(http.uri()).withAuth(password(http.uri()));
      HttpGlanceClient c = new HttpGlanceClient(new Transport(s, Transport.client(s), tokens(http, s.auth())));

      assertThat(c.image("img-1").status()).isEqualTo("active");
      assertThat(http.requests).extracting(FakeHttp.Request::token)
          .containsExactly(null, "t0", null, "t2");
    }
  }

  @Test
  void tokensUrl_withOrWithoutV3() {
    assertThat(KeystoneTokens.tokensUrl(URI.create("http://k:5000/v3/")))
        .isEqualTo(URI.create("http://k:5000/v3/auth/tokens"));
    assertThat(KeystoneTokens.tokensUrl(URI.create("http://k:5000/identity")))
        .isEqualTo(URI.create("http://k:5000/identity/v3/auth/tokens"));
  }

  @Test
  void keystoneAnswerLargerThan1MiB_glanceErrorNotReadWhole() throws Exception {
    String pad = "x".repeat(2 << 20);
    try (FakeHttp http = new FakeHttp((x, i) -> {
      x.getResponseHeaders().set("X-Subject-Token", "t0");
      FakeHttp.json(x, 201, "{\"token\":{\"expires_at\":\"" + now.get().plusSeconds(600) + "\",\"pad\":\"" + pad
          + "\"}}");
    })) {
      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> tokens(http, password(http.uri())).token());

      assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.getMessage()).contains("larger than " + (1 << 20));
    }
  }
}
