package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.spi.StoredImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The Glance with the rbd store on the test Ceph that {@code GLANCE_STORE=rbd scripts/glance-up.sh start} runs
 * (GLANCE_RBD_ENDPOINT, default http://127.0.0.1:9395; no Keystone): uploads, the image's document, PATCHes.
 */
final class GlanceRbdStore {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private GlanceRbdStore() {}

  static String endpoint() {
    String env = System.getenv("GLANCE_RBD_ENDPOINT");
    return env != null && !env.isEmpty() ? env : "http://127.0.0.1:9395";
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder r, int expected) throws Exception {
    HttpResponse<byte[]> resp = HTTP.send(r.header("X-Auth-Token", "test").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).as("Glance on Ceph at %s (scripts/glance-up.sh with GLANCE_STORE=rbd): %s",
        endpoint(), new String(resp.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
    return resp;
  }

  /** Uploads a raw image; returns its id once active. */
  static String upload(byte[] bytes) throws Exception {
    byte[] created = send(HttpRequest.newBuilder(URI.create(endpoint() + "/v2/images"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"name\":\"imgtrust-it\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")), 201).body();
    String id = JSON.readTree(created).get("id").asText();
    send(HttpRequest.newBuilder(URI.create(endpoint() + "/v2/images/" + id + "/file"))
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), 204);
    return id;
  }

  static byte[] document(String id) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(endpoint() + "/v2/images/" + id)).GET(), 200).body();
  }

  /** The image as the host hands it to the backend: metadata, direct_url and locations. */
  static StoredImage stored(String id) throws Exception {
    byte[] doc = document(id);
    JsonNode n = JSON.readTree(doc);
    List<String> urls = new ArrayList<>();
    urls.add(n.get("direct_url").asText());
    n.path("locations").forEach(l -> urls.add(l.get("url").asText()));
    return StoredImage.of(GlanceMetadata.parse(doc), urls);
  }

  /** Points the image's only location at {@code url} (Glance's rbd store checks it exists). */
  static void relocate(String id, String url) throws Exception {
    String patch = "[{\"op\":\"add\",\"path\":\"/locations/-\",\"value\":{\"url\":\"" + url
        + "\",\"metadata\":{}}},{\"op\":\"remove\",\"path\":\"/locations/0\"}]";
    send(HttpRequest.newBuilder(URI.create(endpoint() + "/v2/images/" + id))
        .header("Content-Type", "application/openstack-images-v2.1-json-patch")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)), 200);
  }
}
