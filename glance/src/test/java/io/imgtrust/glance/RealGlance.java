package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The real glance-api of {@code scripts/glance-up.sh start} ({@code GLANCE_ENDPOINT}, default http://127.0.0.1:9393;
 * {@code GLANCE_DIR}, default /tmp/imgtrust-glance), for the module's ITs. One that does not answer fails the test.
 */
final class RealGlance {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final URI endpoint;
  final Path dir;

  private RealGlance(URI endpoint, Path dir) {
    this.endpoint = endpoint;
    this.dir = dir;
  }

  static RealGlance running() throws Exception {
    RealGlance g = new RealGlance(URI.create(System.getenv().getOrDefault("GLANCE_ENDPOINT",
        "http://127.0.0.1:9393")), Path.of(System.getenv().getOrDefault("GLANCE_DIR", "/tmp/imgtrust-glance")));
    try {
      HTTP.send(HttpRequest.newBuilder(g.url("/v2/images")).build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      fail("no Glance at %s (%s): start it with scripts/glance-up.sh start (see scripts/test-all.sh)", g.endpoint, e);
    }
    return g;
  }

  /** Uploads {@code data} as a new active raw image; returns its id. */
  String upload(byte[] data) throws Exception {
    HttpResponse<String> c = HTTP.send(HttpRequest.newBuilder(url("/v2/images")).header("Content-Type",
        "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"disk_format\":\"raw\",\"container_format\":\"bare\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
    String id = new ObjectMapper().readTree(c.body()).get("id").asText();
    HttpResponse<String> u = HTTP.send(HttpRequest.newBuilder(url("/v2/images/" + id + "/file"))
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(data))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(u.statusCode()).as(u.body()).isEqualTo(204);
    return id;
  }

  /** How many times Glance's log shows a GET of the image's data. */
  long fileGets(String id) throws IOException {
    Pattern p = Pattern.compile("\"GET /v2/images/" + Pattern.quote(id) + "/file HTTP");
    try (var lines = Files.lines(dir.resolve("glance-api.log"))) {
      return lines.filter(l -> p.matcher(l).find()).count();
    }
  }

  private URI url(String path) {
    return URI.create(endpoint + path);
  }
}
