package io.imgtrust.cli.bench;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The Glance of {@code bench fetch} ({@code --glance}, no auth), and whether it and the compared tools answer. */
final class GlanceOption {
  static final String DEFAULT = "http://127.0.0.1:9393";

  @Option(names = "--glance", paramLabel = "URL", defaultValue = DEFAULT,
      description = "Glance endpoint, without auth (default: ${DEFAULT-VALUE}; scripts/glance-up.sh start runs one).")
  URI glance = URI.create(DEFAULT);

  private final Probe.Once answered = new Probe.Once();

  /** The {@code [glance]} section of a benchmark config that fetches from this Glance. */
  String configSection() {
    return "[glance]\napi_servers = " + glance + "\n";
  }

  /**
   * Checks that Glance answers {@code GET /v2/images} and that curl and python3-glanceclient are installed.
   *
   * @throws ImageTrustException {@code GLANCE_ERROR} when Glance does not answer, {@code IO_ERROR} for a tool
   */
  void require() throws ImageTrustException {
    requireAnswers();
    Probe.require(Reason.IO_ERROR, "curl is not installed", List.of("curl", "--version"));
    Probe.require(Reason.IO_ERROR, "python3-glanceclient is not installed",
        List.of("/usr/bin/python3", "-c", "import glanceclient"));
  }

  /**
   * Checks that Glance answers {@code GET /v2/images}.
   *
   * @throws ImageTrustException {@code GLANCE_ERROR} when it does not
   */
  void requireAnswers() throws ImageTrustException {
    answered.require(this::checkAnswers);
  }

  private void checkAnswers() throws ImageTrustException {
    String why;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      int status = http.send(HttpRequest.newBuilder(URI.create(glance + "/v2/images")).timeout(Duration.ofSeconds(20))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      why = status == 200 ? null : "HTTP " + status;
    } catch (IOException e) {
      why = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted";
    }
    if (why != null) {
      throw ImageTrustException.of(Reason.GLANCE_ERROR, "no Glance answers at " + glance + " (" + why
          + "; run scripts/glance-up.sh start, or give --glance)");
    }
  }
}
