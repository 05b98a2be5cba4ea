package io.imgtrust.cli;

import static io.imgtrust.cli.Launcher.assertRefused;
import static io.imgtrust.cli.ItFiles.writeImage;
import static io.imgtrust.cli.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
    Files.writeString(config, "[DEFAULT]\ninstances_path = " + dir.resolve("instances") + "\n"
        + ItFiles.NOT_IMMUTABLE + "[verification]\n"
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

  /** A cache of its own (config, _base) under {@code name}, so a check of every file sees only this test's files. */
  private static Path freshConfig(String name, String imageCache) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    return Files.writeString(d.resolve("imgtrust.conf"), "[DEFAULT]\ninstances_path = " + d.resolve("instances")
        + "\n[image_cache]\n" + imageCache + "\n[verification]\nhost_key_file = " + d.resolve("host.key") + "\n");
  }

  private static Path addTo(Path cfg, String id, long size, long seed) throws Exception {
    Path image = cfg.resolveSibling(id + ".raw");
    String sha = writeImage(image, size, seed, 0);
    OpensslPki.Result r = Launcher.run(cfg, "cache", "add", image.toString(), "--meta",
        ItFiles.meta(cfg.getParent(), id, "raw", image, sha).toString());
    assertThat(r.exitCode()).as(r.describe()).isZero();
    return cfg.resolveSibling("instances/_base").resolve(ItFiles.cacheName(id));
  }

  @Test
  void cacheVerify_noIdsWithPlantedFileAndFileWhoseRecordWasDeleted_exit3BothListedAndQuarantined()
      throws Exception {
    Path cfg = freshConfig("all-1", "immutable_files = false");
    Path good = addTo(cfg, "good-1", 3 << 20, 11);
    Path orphan = addTo(cfg, "orphan-1", 2 << 20, 12);
    Files.delete(good.resolveSibling(".imgtrust/" + orphan.getFileName() + ".json"));
    Path planted = Files.write(good.resolveSibling("planted.img"), new byte[] {1, 2, 3});

    JsonNode j = assertRefused(Launcher.run(cfg, "cache", "verify"), 3, "RECORD_INVALID");

    assertThat(j.get("entries")).hasSize(3);
    assertThat(j.get("entries").findValuesAsText("cache_file")).containsExactlyInAnyOrder(
        good.getFileName().toString(), orphan.getFileName().toString(), "planted.img");
    assertThat(j.get("entries").findValuesAsText("reason")).containsExactly("RECORD_INVALID", "RECORD_INVALID");
    assertThat(Files.exists(planted)).isFalse();
    assertThat(Files.exists(orphan)).isFalse();
    assertThat(Files.exists(good)).isTrue();
    JsonNode q = json(Launcher.run(cfg, "cache", "quarantine"));
    assertThat(q.get("quarantined").findValuesAsText("reason")).containsExactly("RECORD_INVALID", "RECORD_INVALID");
  }

  @Test
  void cacheVerify_noIdsAfterInPlaceEdit_digestMismatchWithOffsetAndQuarantined() throws Exception {
    Path cfg = freshConfig("all-2", "immutable_files = false");
    Path file = addTo(cfg, "edit-1", 5 << 20, 13);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek((4 << 20) + 9);
      f.write(f.readByte() ^ 2);
    }

    JsonNode j = assertRefused(Launcher.run(cfg, "cache", "verify"), 3, "DIGEST_MISMATCH");

    assertThat(j.at("/entries/0/image_id").asText()).isEqualTo("edit-1");
    assertThat(j.at("/entries/0/offset").asLong()).isEqualTo(4L << 20);
    assertThat(Files.exists(file)).isFalse();
  }

  @Test
  void cacheVerify_fileReplacedByIdenticalCopy_resealedAndListedVerified() throws Exception {
    Path cfg = freshConfig("all-3", "immutable_files = false");
    Path file = addTo(cfg, "copy-1", 2 << 20, 14);
    Path copy = cfg.resolveSibling("copy");
    ItFiles.tool("cp", file.toString(), copy.toString());
    ItFiles.tool("mv", "-f", copy.toString(), file.toString());
    assertThat(json(Launcher.run(cfg, "cache", "list")).at("/entries/0/status").asText()).isEqualTo("CHANGED");

    OpensslPki.Result r = Launcher.run(cfg, "cache", "verify");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(json(r).at("/entries/0/bytes_hashed").asLong()).isEqualTo(2L << 20);
    assertThat(json(Launcher.run(cfg, "cache", "list")).at("/entries/0/status").asText()).isEqualTo("VERIFIED");
  }

  @Test
  void cacheVerify_fileChownedToNobodyAndWritable_givenBackRootOwnedReadOnly() throws Exception {
    Path cfg = freshConfig("own-1", "immutable_files = false");
    Path file = addTo(cfg, "own-1", 2 << 20, 15);
    Files.setAttribute(file, "unix:uid", 65534);
    Files.setAttribute(file, "unix:gid", 65534);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));

    OpensslPki.Result r = Launcher.run(cfg, "cache", "verify", "own-1");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(0);
    assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(0);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--r--r--");
  }

  @Test
  void cacheList_immutableFilesOn_flagSetAfterAddShownAndQuarantineStillWorks() throws Exception {
    Path cfg = freshConfig("imm-1", "immutable_files = true");
    try {
      Path file = addTo(cfg, "imm-1", 1 << 20, 16);
      assertThat(ItFiles.tool("lsattr", "-d", file.toString()).stdout()).startsWith("----i");

      JsonNode list = json(Launcher.run(cfg, "cache", "list"));
      assertThat(list.at("/entries/0/immutable").asBoolean()).isTrue();
      OpensslPki.Result text = OpensslPki.run(List.of(Launcher.locate().toString(), "--config", cfg.toString(),
          "cache", "list"));
      assertThat(text.stdout()).as(text.describe()).containsPattern("imm-1 +VERIFIED +yes");

      Files.write(file.resolveSibling("planted"), new byte[] {1});
      assertRefused(Launcher.run(cfg, "cache", "verify"), 3, "RECORD_INVALID");
      Path rec = file.resolveSibling(".imgtrust/" + file.getFileName() + ".json");
      Files.writeString(rec, Files.readString(rec).replace("\"seal\" : \"", "\"seal\" : \"0"));
      assertRefused(Launcher.run(cfg, "cache", "verify", "imm-1"), 3, "RECORD_INVALID");
      assertThat(Files.exists(file)).as("the immutable file was quarantined").isFalse();
    } finally {
      ItFiles.tool("chattr", "-R", "-i", cfg.getParent().toString());
    }
  }
}
