package io.imgtrust.cli;

import static io.imgtrust.cli.Launcher.assertRefused;
import static io.imgtrust.cli.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgtrust.cli.OpensslPki.KeyKind;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cache fetch} and {@code spawn} on a miss against the real glance-api of {@code scripts/glance-up.sh}: signed
 * images uploaded as an operator would (signature properties PATCHed after the upload), Glance's store tampered
 * with, truncated, restarted mid-download.
 */
class GlanceFetchIT {
  @TempDir static Path dir;
  private static GlanceServer glance;
  private static OpensslPki pki;
  private static Path image;
  private static String imageSha;

  @BeforeAll
  static void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    glance = GlanceServer.running();
    pki = OpensslPki.create(dir.resolve("pki"));
    image = dir.resolve("image.raw");
    imageSha = ItFiles.writeImage(image, (24L << 20) + 4096, 31, 4);
  }

  /** The four img_signature properties of {@code file}, signed with the PKI's RSA key (PSS, SHA-256). */
  private static Map<String, String> signed(Path file) throws Exception {
    return Map.of("img_signature", Base64.getEncoder().encodeToString(pki.sign(file, pki.key(KeyKind.RSA), true,
        "SHA-256")), "img_signature_hash_method", "SHA-256", "img_signature_key_type", "RSA-PSS",
        "img_signature_certificate_uuid", KeyKind.RSA.certId());
  }

  /** A config of its own cache under {@code name}, trusting the PKI, with Glance's section and {@code glanceLines}. */
  private static Path config(String name, String section) throws Exception {
    Path c = dir.resolve(name + ".conf");
    Files.writeString(c, "[DEFAULT]\ninstances_path = " + dir.resolve(name) + "\n" + ItFiles.NOT_IMMUTABLE
        + "[verification]\nhost_key_file = " + dir.resolve("host.key") + "\ncertificates_dir = " + pki.certsDir
        + "\ntrusted_certs_dir = " + pki.trustedDir + "\n" + section);
    return c;
  }

  private static Path config(String name) throws Exception {
    return config(name, glance.section("num_retries = 8", "read_timeout = 5"));
  }

  private static OpensslPki.Result fetch(Path cfg, String id) {
    return Launcher.run(cfg, "cache", "fetch", id);
  }

  private static List<String> cacheFiles(String name) throws Exception {
    Path base = dir.resolve(name).resolve("_base");
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void fetch_signedImage_verifiedCachedAndSpawnedWithFlatPloopQcow2() throws Exception {
    String id = glance.upload("signed", "raw", image, signed(image));
    Path cfg = config("signed");

    OpensslPki.Result r = fetch(cfg, id);

    assertThat(r.exitCode()).as(r.describe()).isZero();
    JsonNode e = json(r).get("entry");
    assertThat(e.get("image_id").asText()).isEqualTo(id);
    assertThat(e.at("/verified_at_fill/digest_field").asText()).isEqualTo("os_hash_value");
    assertThat(e.at("/verified_at_fill/signature_key_type").asText()).isEqualTo("RSA-PSS");
    assertThat(e.at("/verified_at_fill/certificate_id").asText()).isEqualTo(KeyKind.RSA.certId());
    assertThat(ItFiles.sha512(Path.of(e.get("cache_file").asText()))).isEqualTo(imageSha);
    for (String type : List.of("flat", "ploop", "qcow2")) {
      OpensslPki.Result s = Launcher.run(cfg, "spawn", "--instance", "vm-" + type, "--image", id,
          "--images-type", type);
      assertThat(s.exitCode()).as(s.describe()).isZero();
    }
    assertThat(glance.fileGets(id)).as("one download for the fetch, none for the spawns").isEqualTo(1);
  }

  @Test
  void spawn_cacheMissWithGlanceConfigured_fetchesVerifiesAndPrepares() throws Exception {
    String id = glance.upload("spawn-miss", "raw", image, signed(image));
    Path cfg = config("spawn-miss");

    OpensslPki.Result s = Launcher.run(cfg, "spawn", "--instance", "vm-miss", "--image", id, "--images-type",
        "flat");

    assertThat(s.exitCode()).as(s.describe()).isZero();
    assertThat(ItFiles.sha512(dir.resolve("spawn-miss/vm-miss/disk"))).isEqualTo(imageSha);
    assertThat(cacheFiles("spawn-miss")).containsExactly(ItFiles.cacheName(id));
  }

  @Test
  void spawn_cacheMissWithoutGlance_notCached() throws Exception {
    String id = glance.upload("spawn-noglance", "raw", image, Map.of());
    Path cfg = config("spawn-noglance", "");

    assertRefused(Launcher.run(cfg, "spawn", "--instance", "vm-x", "--image", id, "--images-type", "flat"), 3,
        "NOT_CACHED");
    assertThat(glance.fileGets(id)).isZero();
  }

  @Test
  void fetch_byteFlippedInGlanceStore_digestMismatchAndNothingCached() throws Exception {
    String id = glance.upload("flipped", "raw", image, signed(image));
    ItFiles.rot(glance.storeFile(id), 5_000_000);

    assertRefused(fetch(config("flipped"), id), 3, "DIGEST_MISMATCH");
    assertThat(cacheFiles("flipped")).isEmpty();
    assertThat(leftovers("flipped")).isEmpty();
  }

  @Test
  void fetch_truncatedGlanceStoreFile_glanceErrorWithinReadTimeoutAndNothingCached() throws Exception {
    String id = glance.upload("truncated", "raw", image, Map.of());
    try (FileChannel ch = FileChannel.open(glance.storeFile(id), StandardOpenOption.WRITE)) {
      ch.truncate(500_000);
    }
    Path cfg = config("truncated", glance.section("num_retries = 1", "read_timeout = 3"));

    long t0 = System.nanoTime();
    OpensslPki.Result r = fetch(cfg, id);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);

    JsonNode j = assertRefused(r, 4, "GLANCE_ERROR");
    assertThat(j.get("message").asText()).contains("stalled");
    assertThat(seconds).as("read_timeout 3 s plus start-up").isLessThan(15);
    assertThat(cacheFiles("truncated")).isEmpty();
    assertThat(leftovers("truncated")).isEmpty();
  }

  @Test
  void fetch_glanceRestartedMidDownload_resumesWithRangeAndSucceeds() throws Exception {
    Path big = dir.resolve("big.raw");
    String bigSha = ItFiles.writeImage(big, 768L << 20, 32, 0);
    String id = glance.upload("restarted", "raw", big, Map.of());
    Path cfg = config("restarted");
    Path out = dir.resolve("restarted.out");
    Path err = dir.resolve("restarted.err");
    Process p = new ProcessBuilder(Launcher.command(cfg, "cache", "fetch", id)).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    try {
      assertThat(waitForPart("restarted", 16L << 20, p)).as("the download was under way").isTrue();
      glance.restart();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }

    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as(stderr + Files.readString(out)).isZero();
    assertThat(stderr).contains("resuming");
    JsonNode e = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile()).get("entry");
    assertThat(ItFiles.sha512(Path.of(e.get("cache_file").asText()))).isEqualTo(bigSha);
    Files.delete(big);
  }

  @Test
  void fetch_wrongSignatureProperty_signatureInvalid() throws Exception {
    Path other = dir.resolve("other.raw");
    ItFiles.writeImage(other, 1 << 20, 33, 0);
    String id = glance.upload("wrong-sig", "raw", image, signed(other));

    assertRefused(fetch(config("wrong-sig"), id), 3, "SIGNATURE_INVALID");
    assertThat(cacheFiles("wrong-sig")).isEmpty();
  }

  @Test
  void fetch_unknownImageId_imageNotFound() throws Exception {
    assertRefused(fetch(config("unknown"), "00000000-0000-0000-0000-000000000000"), 2, "IMAGE_NOT_FOUND");
  }

  @Test
  void fetch_queuedImage_imageNotActive() throws Exception {
    String id = glance.create("queued", "raw");

    JsonNode j = assertRefused(fetch(config("queued"), id), 3, "IMAGE_NOT_ACTIVE");
    assertThat(j.get("message").asText()).contains("queued");
    assertThat(glance.fileGets(id)).isZero();
  }

  @Test
  void fetch_unreachableEndpoint_glanceErrorAfterRetries() throws Exception {
    Path cfg = config("unreachable", "[glance]\napi_servers = http://127.0.0.1:9\nnum_retries = 1\n");

    JsonNode j = assertRefused(fetch(cfg, "00000000-0000-0000-0000-000000000000"), 4, "GLANCE_ERROR");
    assertThat(j.get("message").asText()).contains("after 2 attempts");
  }

  @Test
  void fetch_firstEndpointDown_triesTheNextAndSucceeds() throws Exception {
    String id = glance.upload("second-endpoint", "raw", image, Map.of());
    Path cfg = config("second-endpoint", "[glance]\napi_servers = http://127.0.0.1:9, " + glance.endpoint
        + "\nnum_retries = 2\n");

    OpensslPki.Result r = fetch(cfg, id);

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stderr()).contains("127.0.0.1:9/");
  }

  @Test
  void fetch_twoConcurrentProcesses_downloadOnce() throws Exception {
    String id = glance.upload("concurrent", "raw", image, Map.of());
    Path cfg = config("concurrent");
    List<Process> ps = List.of(
        new ProcessBuilder(Launcher.command(cfg, "cache", "fetch", id)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start(),
        new ProcessBuilder(Launcher.command(cfg, "cache", "fetch", id)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    for (Process p : ps) {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    }

    assertThat(glance.fileGets(id)).isEqualTo(1);
    assertThat(cacheFiles("concurrent")).containsExactly(ItFiles.cacheName(id));
  }

  private static List<Path> leftovers(String name) throws Exception {
    Path base = dir.resolve(name).resolve("_base");
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(p -> p.getFileName().toString().contains(".part-")).toList();
    }
  }

  private static boolean waitForPart(String name, long bytes, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()) {
      for (Path f : leftovers(name)) {
        if (Files.size(f) > bytes) {
          return true;
        }
      }
      Thread.sleep(5);
    }
    return false;
  }
}
