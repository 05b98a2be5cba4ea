package io.imgtrust.cli;

import static io.imgtrust.cli.Launcher.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cache fetch} from a Glance whose own keystonemiddleware authtoken validates every token against a real
 * Keystone ({@code scripts/keystone-up.sh}, {@code GLANCE_AUTH=keystone glance-up.sh}): Keystone v3 password and
 * application-credential tokens, a token file, and the refusals. A missing Keystone or Glance fails the test.
 */
class GlanceKeystoneIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEYSTONE = "http://127.0.0.1:5055/v3";
  private static final String PASSWORD = System.getenv().getOrDefault("KEYSTONE_PASSWORD", "imgtrust-admin");

  @TempDir static Path dir;
  private static GlanceServer glance;
  private static String imageId;
  private static String token;

  @BeforeAll
  static void setUp() throws Exception {
    token = passwordToken(PASSWORD).headers().firstValue("X-Subject-Token")
        .orElseGet(() -> fail("keystone at %s gave no token: start scripts/keystone-up.sh", KEYSTONE));
    glance = GlanceServer.behindKeystone(token);
    Path image = dir.resolve("image.raw");
    ItFiles.writeImage(image, 4L << 20, 41, 0);
    imageId = glance.upload("keystone", "raw", image, Map.of());
  }

  private static HttpResponse<String> passwordToken(String password) throws Exception {
    String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\","
        + "\"domain\":{\"name\":\"Default\"},\"password\":\"" + password + "\"}}},\"scope\":{\"project\":{\"name\":"
        + "\"admin\",\"domain\":{\"name\":\"Default\"}}}}}";
    return post(KEYSTONE + "/auth/tokens", body, null);
  }

  private static HttpResponse<String> post(String url, String body, String authToken) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authToken != null) {
      b.header("X-Auth-Token", authToken);
    }
    try {
      return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return fail("no keystone at %s (%s): start it with scripts/keystone-up.sh start", url, e);
    }
  }

  private static Path config(String name, String... glanceLines) throws Exception {
    Path c = dir.resolve(name + ".conf");
    Files.writeString(c, "[DEFAULT]\ninstances_path = " + dir.resolve(name) + "\n" + ItFiles.NOT_IMMUTABLE
        + "[verification]\nhost_key_file = " + dir.resolve("host.key") + "\n"
        + glance.section(glanceLines));
    return c;
  }

  private static OpensslPki.Result fetch(Path cfg) {
    return Launcher.run(cfg, "cache", "fetch", imageId);
  }

  @Test
  void fetch_keystonePassword_glanceAcceptsTheTokenAndImageCached() throws Exception {
    OpensslPki.Result r = fetch(config("password", "auth_type = password", "auth_url = " + KEYSTONE,
        "username = admin", "password = " + PASSWORD, "project_name = admin"));

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(Launcher.json(r).at("/entry/image_id").asText()).isEqualTo(imageId);
  }

  @Test
  void fetch_applicationCredential_glanceAcceptsTheTokenAndImageCached() throws Exception {
    HttpResponse<String> t = passwordToken(PASSWORD);
    JsonNode user = JSON.readTree(t.body()).at("/token/user");
    HttpResponse<String> created = post(KEYSTONE + "/users/" + user.get("id").asText() + "/application_credentials",
        "{\"application_credential\":{\"name\":\"imgtrust-it-" + System.nanoTime() + "\"}}",
        t.headers().firstValue("X-Subject-Token").orElseThrow());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode cred = JSON.readTree(created.body()).get("application_credential");

    OpensslPki.Result r = fetch(config("appcred", "auth_type = v3applicationcredential", "auth_url = " + KEYSTONE,
        "application_credential_id = " + cred.get("id").asText(),
        "application_credential_secret = " + cred.get("secret").asText()));

    assertThat(r.exitCode()).as(r.describe()).isZero();
  }

  @Test
  void fetch_wrongKeystonePassword_glanceErrorWithoutTheSecret() throws Exception {
    OpensslPki.Result r = fetch(config("wrong-password", "auth_type = password", "auth_url = " + KEYSTONE,
        "username = admin", "password = not-the-password-xyzzy", "project_name = admin"));

    JsonNode j = assertRefused(r, 4, "GLANCE_ERROR");
    assertThat(j.get("message").asText()).contains("keystone").contains("401").doesNotContain("xyzzy");
    assertThat(r.stderr()).doesNotContain("xyzzy");
  }

  @Test
  void fetch_tokenFileWithAKeystoneToken_imageCached() throws Exception {
    Path file = Files.writeString(dir.resolve("keystone.token"), token + "\n");

    OpensslPki.Result r = fetch(config("token-file", "auth_type = token_file", "token_file = " + file));

    assertThat(r.exitCode()).as(r.describe()).isZero();
  }

  @Test
  void fetch_tokenFileWithABogusToken_glanceRefuses401() throws Exception {
    Path file = Files.writeString(dir.resolve("bogus.token"), "gAAAAAbogus\n");

    JsonNode j = assertRefused(fetch(config("bogus-token", "auth_type = token_file", "token_file = " + file)), 4,
        "GLANCE_ERROR");
    assertThat(j.get("message").asText()).contains("401");
  }

  @Test
  void fetch_noAuthAgainstKeystoneGlance_glanceRefuses401() throws Exception {
    JsonNode j = assertRefused(fetch(config("no-auth")), 4, "GLANCE_ERROR");
    assertThat(j.get("message").asText()).contains("401");
  }
}
