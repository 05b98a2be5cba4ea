package io.imgtrust.cli;

import static io.imgtrust.cli.Launcher.assertRefused;
import static io.imgtrust.cli.ItFiles.writeImage;
import static io.imgtrust.cli.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import com.google.common.hash.HashingOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image cache through the real command, with real qemu-img, real child processes and SIGKILL. */
class CacheIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BIG = 1L << 30;

  @TempDir static Path dir;
  private static Path config;
  private static Path cacheDir;
  private static Path big;
  private static String bigSha512;

  @BeforeAll
  static void setUp() throws Exception {
    config = dir.resolve("imgtrust.conf");
    Files.writeString(config, "[DEFAULT]\ninstances_path = " + dir.resolve("instances") + "\n[verification]\n"
        + "host_key_file = " + dir.resolve("host.key") + "\n");
    cacheDir = dir.resolve("instances/_base");
    big = dir.resolve("big.raw");
    bigSha512 = writeImage(big, BIG, 1, 0);
  }

  private static OpensslPki.Result add(String id, String format, Path image) throws Exception {
    return Launcher.run(config, "cache", "add", image.toString(), "--meta", ItFiles.meta(dir, id, format, image, ItFiles.sha512(image))
        .toString());
  }

  @Test
  void cacheAdd_qcow2Source_convertedToRawAndRecordBindsBoth() throws Exception {
    Path raw = dir.resolve("conv.raw");
    String rawSha = writeImage(raw, 20L << 20, 2, 0);
    Path qcow2 = dir.resolve("conv.qcow2");
    ItFiles.tool("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());

    OpensslPki.Result r = add("conv-1", "qcow2", qcow2);

    assertThat(r.exitCode()).as(r.describe()).isZero();
    JsonNode e = json(r).get("entry");
    assertThat(e.at("/conversion/from_format").asText()).isEqualTo("qcow2");
    assertThat(e.at("/conversion/source_size").asLong()).isEqualTo(Files.size(qcow2));
    assertThat(e.get("size").asLong()).isEqualTo(20L << 20);
    Path cached = Path.of(e.get("cache_file").asText());
    assertThat(ItFiles.sha512(cached)).isEqualTo(rawSha);
    OpensslPki.Result v = Launcher.run(config, "cache", "verify", "conv-1");
    assertThat(json(v).at("/entries/0/bytes_hashed").asLong()).as(v.describe()).isEqualTo(20L << 20);
  }

  @Test
  void cacheAdd_qcow2WithBackingFile_refusedUnsafe() throws Exception {
    Path base = dir.resolve("base.raw");
    writeImage(base, 1 << 20, 3, 0);
    Path overlay = dir.resolve("overlay.qcow2");
    ItFiles.tool("qemu-img", "create", "-f", "qcow2", "-b", base.toString(), "-F", "raw", overlay.toString());

    assertRefused(add("backed-1", "qcow2", overlay), 3, "UNSAFE_IMAGE");
    assertThat(Files.exists(cacheDir.resolve(ItFiles.cacheName("backed-1")))).isFalse();
  }

  @Test
  void cacheAdd_qcow2WithExternalDataFile_refusedUnsafe() throws Exception {
    Path image = dir.resolve("datafile.qcow2");
    ItFiles.tool("qemu-img", "create", "-f", "qcow2", "-o", "data_file=" + dir.resolve("datafile.bin"), image.toString(), "1M");

    assertRefused(add("data-1", "qcow2", image), 3, "UNSAFE_IMAGE");
  }

  @Test
  void cacheAdd_qcow2DeclaredAsRaw_formatMismatch() throws Exception {
    Path image = dir.resolve("liar.qcow2");
    ItFiles.tool("qemu-img", "create", "-f", "qcow2", image.toString(), "1M");

    assertRefused(add("liar-1", "raw", image), 3, "FORMAT_MISMATCH");
  }

  @Test
  void cacheAdd_killedWithSigkillMidCopy_leavesNothingThatVerifiesAndRefillSucceeds() throws Exception {
    String id = "killed-1";
    Path m = ItFiles.meta(dir, id, "raw", big, bigSha512);
    Process p = new ProcessBuilder(Launcher.command(config, "cache", "add", big.toString(), "--meta", m.toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Path partial = waitForPartial(ItFiles.cacheName(id), p);
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.exists(partial)).as("the kill hit the copy (partial file %s)", partial).isTrue();

    assertThat(Files.exists(cacheDir.resolve(ItFiles.cacheName(id)))).isFalse();
    assertRefused(Launcher.run(config, "cache", "verify", id), 3, "NOT_CACHED");
    OpensslPki.Result again = Launcher.run(config, "cache", "add", big.toString(), "--meta", m.toString());
    assertThat(again.exitCode()).as(again.describe()).isZero();
    assertThat(leftovers(ItFiles.cacheName(id))).isEmpty();
    assertThat(Launcher.run(config, "cache", "verify", id).exitCode()).isZero();
  }

  private static Path waitForPartial(String name, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()) {
      for (Path f : leftovers(name)) {
        if (Files.size(f) > (64 << 20)) {
          return f;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("cache add never wrote a partial file (alive: " + p.isAlive() + ")");
  }

  private static List<Path> leftovers(String name) throws Exception {
    if (!Files.isDirectory(cacheDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cacheDir)) {
      return s.filter(f -> f.getFileName().toString().startsWith("." + name + ".")).toList();
    }
  }

  @Test
  void cacheVerify_twoProcessesAtOnce_entryHashedOnce() throws Exception {
    String id = "shared-1";
    assertThat(Launcher.run(config, "cache", "add", big.toString(), "--meta", ItFiles.meta(dir, id, "raw", big, bigSha512)
        .toString()).exitCode()).isZero();
    Path o1 = dir.resolve("v1.out");
    Path o2 = dir.resolve("v2.out");
    Process a = new ProcessBuilder(Launcher.command(config, "cache", "verify", id)).redirectOutput(o1.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Process b = new ProcessBuilder(Launcher.command(config, "cache", "verify", id)).redirectOutput(o2.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS)).isTrue();

    JsonNode r1 = JSON.readTree(o1.toFile()).at("/entries/0");
    JsonNode r2 = JSON.readTree(o2.toFile()).at("/entries/0");
    assertThat(r1.get("ok").asBoolean() && r2.get("ok").asBoolean()).isTrue();
    assertThat(r1.get("bytes_hashed").asLong() + r2.get("bytes_hashed").asLong()).isEqualTo(BIG);
    assertThat(r1.get("shared").asBoolean() ^ r2.get("shared").asBoolean()).isTrue();
  }

  @Test
  void cacheVerify_handEditedRecord_refusedRecordInvalid() throws Exception {
    Path small = dir.resolve("edited.raw");
    writeImage(small, 5 << 20, 4, 0);
    assertThat(add("edited-1", "raw", small).exitCode()).isZero();
    Path record = cacheDir.resolve(".imgtrust/" + ItFiles.cacheName("edited-1") + ".json");
    String text = Files.readString(record);
    Files.writeString(record, text.replaceFirst("\"verified_at\" : \"20", "\"verified_at\" : \"21"));
    assertThat(Files.readString(record)).isNotEqualTo(text);

    JsonNode j = assertRefused(Launcher.run(config, "cache", "verify", "edited-1"), 3, "RECORD_INVALID");
    assertThat(j.at("/entries/0/message").asText()).contains("seal");
  }

  @Test
  void cacheVerify_symlinkPlantedInPlaceOfCacheFile_refused() throws Exception {
    Path small = dir.resolve("linked.raw");
    writeImage(small, 3 << 20, 5, 0);
    assertThat(add("linked-1", "raw", small).exitCode()).isZero();
    Path file = cacheDir.resolve(ItFiles.cacheName("linked-1"));
    Path copy = dir.resolve("linked-copy.raw");
    Files.copy(file, copy);
    Files.delete(file);
    Files.createSymbolicLink(file, copy);

    assertRefused(Launcher.run(config, "cache", "verify", "linked-1"), 3, "RECORD_INVALID");
    assertThat(Files.exists(copy)).as("the link's target is left alone").isTrue();
  }

  @Test
  void cacheVerify_bitRot_digestMismatchWithOffsetAndQuarantineListsIt() throws Exception {
    Path small = dir.resolve("rot.raw");
    writeImage(small, 9 << 20, 6, 0);
    assertThat(add("rot-1", "raw", small).exitCode()).isZero();
    Path file = cacheDir.resolve(ItFiles.cacheName("rot-1"));
    FileTime mtime = Files.getLastModifiedTime(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek((8 << 20) + 3);
      int b = f.read();
      f.seek((8 << 20) + 3);
      f.write(b ^ 1);
    }
    Files.setLastModifiedTime(file, mtime);

    JsonNode j = assertRefused(Launcher.run(config, "cache", "verify", "rot-1"), 3, "DIGEST_MISMATCH");

    assertThat(j.at("/entries/0/offset").asLong()).isEqualTo(8L << 20);
    assertThat(Files.exists(file)).isFalse();
    JsonNode q = json(Launcher.run(config, "cache", "quarantine"));
    assertThat(q.get("quarantined").findValuesAsText("image_id")).contains("rot-1");
  }

  @Test
  void cacheAdd_digestMismatch_exit3AndOutputIsOneJsonObject() throws Exception {
    Path small = dir.resolve("bad.raw");
    writeImage(small, 1 << 20, 7, 0);

    assertRefused(Launcher.run(config, "cache", "add", small.toString(), "--meta",
        ItFiles.meta(dir, "bad-1", "raw", small, "00".repeat(64)).toString()), 3, "DIGEST_MISMATCH");
    assertThat(Files.exists(cacheDir.resolve(ItFiles.cacheName("bad-1")))).isFalse();
  }

  @Test
  void cacheList_afterAdds_showsStates() throws Exception {
    Path small = dir.resolve("list.raw");
    writeImage(small, 1 << 20, 8, 0);
    assertThat(add("list-1", "raw", small).exitCode()).isZero();

    JsonNode j = json(Launcher.run(config, "cache", "list"));

    assertThat(j.get("entries").findValuesAsText("image_id")).contains("list-1");
  }

}
