package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client's request logic against a fake Glance: statuses, retries, endpoints in turn. */
class GlanceClientTest {
  private static final String ACTIVE = "{\"id\":\"img-1\",\"status\":\"active\",\"disk_format\":\"raw\",\"size\":3,"
      + "\"checksum\":\"0123456789abcdef0123456789abcdef\"}";

  private static GlanceClient client(URI... servers) throws ImageTrustException {
    return GlanceClients.create(GlanceSettings.of(servers).withRetries(2).withBackoff(Duration.ofMillis(10)));
  }

  @Test
  void image_active_documentAndMetadata() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> FakeHttp.json(x, 200, ACTIVE))) {
      GlanceImage img = client(http.uri()).image("img-1");

      assertThat(img.status()).isEqualTo("active");
      assertThat(img.metadata().size()).isEqualTo(3);
      assertThat(http.requests).extracting(FakeHttp.Request::path).containsExactly("/v2/images/img-1");
    }
  }

  @Test
  void image_unknown_imageNotFound() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> FakeHttp.json(x, 404, "{}"))) {
      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> client(http.uri()).image("img-1"));

      assertThat(e.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
      assertThat(e.reason().exitCode()).isEqualTo(2);
    }
  }

  @Test
  void metadata_queuedImage_imageNotActive() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> FakeHttp.json(x, 200, ACTIVE.replace("active", "queued")))) {
      GlanceImage img = client(http.uri()).image("img-1");

      ImageTrustException e = catchThrowableOfType(ImageTrustException.class, img::metadata);

      assertThat(e.reason()).isEqualTo(Reason.IMAGE_NOT_ACTIVE);
      assertThat(e.reason().exitCode()).isEqualTo(3);
    }
  }

  @Test
  void image_serverErrorThenOk_retriedAndAnswered() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> FakeHttp.json(x, i == 0 ? 503 : 200, ACTIVE))) {
      assertThat(client(http.uri()).image("img-1").status()).isEqualTo("active");
      assertThat(http.requests).hasSize(2);
    }
  }

  @Test
  void image_serverErrorEveryTime_glanceErrorAfterNumRetriesPlusOneAttempts() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> FakeHttp.json(x, 500, "{}"))) {
      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> client(http.uri()).image("img-1"));

      assertThat(e.reason()).isEqualTo(Reason.GLANCE_ERROR);
      assertThat(e.reason().exitCode()).isEqualTo(4);
      assertThat(http.requests).hasSize(3);
    }
  }

  @Test
  void image_firstEndpointRefuses_secondAnswersAndIsPreferredAfterwards() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> FakeHttp.json(x, 200, ACTIVE))) {
      GlanceClient c = client(URI.create("http://127.0.0.1:9"), http.uri());

      c.image("img-1");
      c.image("img-1");

      assertThat(http.requests).hasSize(2);
    }
  }

  @Test
  void image_idWithSlash_usageAndNoRequest() throws Exception {
    try (FakeHttp http = new FakeHttp((x, i) -> FakeHttp.json(x, 200, ACTIVE))) {
      ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
          () -> client(http.uri()).image("../v2/images"));

      assertThat(e.reason()).isEqualTo(Reason.USAGE);
      assertThat(http.requests).isEmpty();
    }
  }
}
