package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The real glance-api that {@code scripts/glance-up.sh start} runs ({@code GLANCE_ENDPOINT}, default
 * http://127.0.0.1:9393; {@code GLANCE_DIR}, default /tmp/imgtrust-glance). A Glance that does not answer fails the
 * test. Uploads go as an operator's would: POST, PUT the bytes, then PATCH the signature properties (Glance without
 * Barbican refuses an upload that already has all four).
 */
final class GlanceServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final URI endpoint;
  final Path dir;
  private final String token;

  private GlanceServer(URI endpoint, Path dir, String token) {
    this.endpoint = endpoint;
    this.dir = dir;
    this.token = token;
  }

  /**
   * The glance-api behind Keystone ({@code GLANCE_AUTH=keystone glance-up.sh start}: http://127.0.0.1:9394,
   * /tmp/imgtrust-glance-keystone), used with {@code token}; fails the test when it does not answer.
   */
  static GlanceServer behindKeystone(String token) throws Exception {
    GlanceServer g = new GlanceServer(URI.create("http://127.0.0.1:9394"), Path.of("/tmp/imgtrust-glance-keystone"),
        token);
    g.check();
    return g;
  }

  /** The running Glance; fails the test when it does not answer GET /v2/images. */
  static GlanceServer running() throws Exception {
    String e = System.getenv().getOrDefault("GLANCE_ENDPOINT", "http://127.0.0.1:9393");
    GlanceServer g = new GlanceServer(URI.create(e), Path.of(System.getenv().getOrDefault("GLANCE_DIR",
        "/tmp/imgtrust-glance")), null);
    g.check();
    return g;
  }

  private void check() throws Exception {
    try {
      assertThat(send(HttpRequest.newBuilder(url("/v2/images")).GET()).statusCode()).isEqualTo(200);
    } catch (IOException x) {
      fail("no Glance at %s (%s): start it with scripts/glance-up.sh start (see scripts/test-all.sh)", endpoint, x);
    }
    assertThat(dir.resolve("glance-api.conf")).as("the Glance directory").exists();
  }

  /** A new queued image; returns its id. */
  String create(String name, String diskFormat) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("disk_format", diskFormat)
        .put("container_format", "bare");
    HttpResponse<String> r = send(HttpRequest.newBuilder(url("/v2/images")).header("Content-Type",
        "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("id").asText();
  }

  /** Uploads {@code file} as a new active image, then PATCHes {@code properties} onto it; returns its id. */
  String upload(String name, String diskFormat, Path file, Map<String, String> properties) throws Exception {
    String id = create(name, diskFormat);
    HttpResponse<String> put = send(HttpRequest.newBuilder(url("/v2/images/" + id + "/file"))
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofFile(file)));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
    if (!properties.isEmpty()) {
      ArrayNode ops = JSON.createArrayNode();
      properties.forEach((k, v) -> ops.addObject().put("op", "add").put("path", "/" + k).put("value", v));
      HttpResponse<String> patch = send(HttpRequest.newBuilder(url("/v2/images/" + id)).header("Content-Type",
          "application/openstack-images-v2.1-json-patch").method("PATCH",
              HttpRequest.BodyPublishers.ofString(ops.toString())));
      assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
    }
    return id;
  }

  JsonNode image(String id) throws Exception {
    return JSON.readTree(send(HttpRequest.newBuilder(url("/v2/images/" + id)).GET()).body());
  }

  /** The file store's copy of an image's bytes (tests flip or truncate it: Glance never re-checks it). */
  Path storeFile(String id) {
    return dir.resolve("images").resolve(id);
  }

  /** How many times Glance's log shows a GET of the image's data. */
  long fileGets(String id) throws IOException {
    Pattern p = Pattern.compile("\"GET /v2/images/" + Pattern.quote(id) + "/file HTTP");
    try (var lines = Files.lines(dir.resolve("glance-api.log"))) {
      return lines.filter(l -> p.matcher(l).find()).count();
    }
  }

  /** Stops glance-api and starts it again on the same database and store ({@code glance-up.sh restart}). */
  void restart() {
    Path script = Launcher.locate().getParent().resolve("scripts/glance-up.sh");
    OpensslPki.Result r = OpensslPki.run(java.util.List.of(script.toString(), "restart"));
    assertThat(r.exitCode()).as(r.describe()).isZero();
  }

  /** The {@code [glance]} section pointing at this Glance, with {@code more} lines. */
  String section(String... more) {
    return "[glance]\napi_servers = " + endpoint + "\n" + String.join("\n", more) + "\n";
  }

  private URI url(String path) {
    return URI.create(endpoint + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    if (token != null) {
      b.header("X-Auth-Token", token);
    }
    return HTTP.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
