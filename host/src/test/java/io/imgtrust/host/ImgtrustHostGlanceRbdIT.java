package io.imgtrust.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgtrust.core.testing.CacheFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's side of Glance on Ceph: on a cache miss with {@code [glance] api_servers} set, clone mode takes the image
 * from Glance's rbd store (no cache file); import mode fetches it into the cache as before. Real Glance with the rbd
 * store ({@code GLANCE_STORE=rbd scripts/glance-up.sh}, GLANCE_RBD_ENDPOINT, default port 9395) on the test Ceph.
 */
class ImgtrustHostGlanceRbdIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path CEPH_CONF = Path.of("/run/imgtrust-ceph/ceph.conf");
  private static final byte[] IMAGE = CacheFixture.randomImage(5 << 20, 11);
  @TempDir Path dir;
  private final String pool = "hostg-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() throws Exception {
    ceph("ceph", "osd", "pool", "create", pool, "1", "1", "replicated", "--size", "1");
    ceph("ceph", "osd", "pool", "application", "enable", pool, "rbd");
  }

  @AfterEach
  void tearDown() throws Exception {
    ceph("ceph", "osd", "pool", "rm", pool, pool, "--yes-i-really-really-mean-it");
  }

  private static String endpoint() {
    String env = System.getenv("GLANCE_RBD_ENDPOINT");
    return env != null && !env.isEmpty() ? env : "http://127.0.0.1:9395";
  }

  private static void ceph(String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CEPH_CONF", CEPH_CONF.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
  }

  private static String upload() throws Exception {
    HttpResponse<String> c = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint() + "/v2/images"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"disk_format\":\"raw\",\"container_format\":\"bare\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(c.statusCode()).as("Glance on Ceph at %s: %s", endpoint(), c.body()).isEqualTo(201);
    String id = new ObjectMapper().readTree(c.body()).get("id").asText();
    HttpResponse<String> u = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint() + "/v2/images/" + id + "/file"))
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(IMAGE))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(u.statusCode()).isEqualTo(204);
    return id;
  }

  private ImgtrustHost host(String name, String rbd) throws Exception {
    Path key = dir.resolve(name + "-cluster.key");
    Files.write(key, CacheFixture.randomImage(32, name.hashCode()));
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    CacheFixture f = CacheFixture.create(dir.resolve(name), "[libvirt]\nimages_rbd_pool = " + pool
        + "\nimages_rbd_ceph_conf = " + CEPH_CONF + "\nrbd_secret_uuid = 6f0b3c0e-4a0b-4c55-9d3f-2f1c7a9b1e01\n"
        + "[rbd]\n" + rbd.replace("KEY", key.toString()) + "[glance]\napi_servers = " + endpoint() + "\n");
    return ImgtrustHost.open(f.conf);
  }

  @Test
  void prepare_cloneModeGlanceInThisCluster_fromGlancesSnapshotNoCacheFile() throws Exception {
    String id = upload();
    try (ImgtrustHost host = host("clone", "mode = clone\ncluster_key_file = KEY\n")) {
      Spawned s = host.prepare(Spawn.of("vm-1", id).withImagesType("rbd"));

      assertThat(s.disk().report()).containsEntry("source", "glance-rbd").containsEntry("check", "passed");
      assertThat(host.cache().list()).isEmpty();
      host.remove("vm-1", false);
    }
  }

  @Test
  void prepare_importModeGlanceInThisCluster_fetchedIntoTheCacheAsBefore() throws Exception {
    String id = upload();
    try (ImgtrustHost host = host("import", "")) {
      Spawned s = host.prepare(Spawn.of("vm-1", id).withImagesType("rbd"));

      assertThat(s.disk().report()).doesNotContainKey("source");
      assertThat(host.cache().list()).hasSize(1);
      host.remove("vm-1", false);
    }
  }
}
