package io.imgtrust.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Chains made by real qemu-img, read back and compared with {@code qemu-img info --backing-chain}. */
class BackingChainIT {
  private static final String QEMU_IMG = "/usr/bin/qemu-img";

  @TempDir Path tmp;
  ChainFixture fx;

  @BeforeAll
  static void qemuImgPresent() {
    assertThat(Path.of(QEMU_IMG)).as("qemu-img is required for this integration test").isExecutable();
  }

  @BeforeEach
  void setUp() throws Exception {
    fx = new ChainFixture(tmp);
  }

  /** Runs qemu-img in {@code cwd}; returns its output, or null when it failed or took more than 30 s. */
  private static String tryRun(Path cwd, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(QEMU_IMG));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(cwd, "qemu-img", ".log");
    try {
      Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return null;
      }
      return p.exitValue() == 0 ? Files.readString(log, StandardCharsets.UTF_8) : null;
    } finally {
      Files.delete(log);
    }
  }

  private static String run(Path cwd, String... args) throws Exception {
    String out = tryRun(cwd, args);
    assertThat(out).as("qemu-img %s failed", List.of(args)).isNotNull();
    return out;
  }

  /** {@code qemu-img create -f qcow2 [-o opts] [-b backing -F format] file [size]}, run in the file's directory. */
  private static Path qcow2(Path file, String options, String backing, String backingFormat) throws Exception {
    List<String> args = new ArrayList<>(List.of("create", "-q", "-f", "qcow2", "-o", options));
    if (backing != null) {
      args.addAll(List.of("-b", backing, "-F", backingFormat));
    }
    args.add(file.toString());
    if (backing == null) {
      args.add("64M");
    }
    run(file.getParent(), args.toArray(String[]::new));
    return file;
  }

  private static Path rawImage(Path file, String size) throws Exception {
    run(file.getParent(), "create", "-q", "-f", "raw", file.toString(), size);
    return file;
  }

  private ImageTrustException refusal(Path top, Reason reason, String messagePart) {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> fx.read(top));
    assertThat(e).as("expected a refusal for %s", top).isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(messagePart);
    return e;
  }

  /** read() and qemu-img's view of the chain agree on files (as real paths), formats, sizes, names and order. */
  private BackingChain assertMatchesQemu(Path top) throws Exception {
    BackingChain chain = fx.read(top);
    JsonNode info = new ObjectMapper().readTree(
        run(fx.root, "info", "--backing-chain", "--output=json", top.toString()));
    assertThat(chain.links()).hasSize(info.size());
    for (int i = 0; i < info.size(); i++) {
      JsonNode node = info.get(i);
      BackingChain.Link link = chain.links().get(i);
      assertThat(link.path()).isEqualTo(fx.root.resolve(node.get("filename").asText()).toRealPath());
      assertThat(link.format().qemuName()).isEqualTo(node.get("format").asText());
      assertThat(link.virtualSize()).isEqualTo(node.get("virtual-size").asLong());
      assertThat(link.backingName().orElse(null))
          .isEqualTo(node.has("backing-filename") ? node.get("backing-filename").asText() : null);
      assertThat(link.backingFormat().map(ImageFormat::qemuName).orElse(null))
          .isEqualTo(node.has("backing-filename-format") ? node.get("backing-filename-format").asText() : null);
      JsonNode compat = node.path("format-specific").path("data").path("compat");
      assertThat(link.qcow2Version()).isEqualTo(compat.isMissingNode() ? 0 : compat.asText().equals("0.10") ? 2 : 3);
    }
    return chain;
  }

  @ParameterizedTest(name = "compat={0} relative={1} base={2}")
  @CsvSource({
    "0.10, true, raw", "0.10, false, raw", "1.1, true, raw", "1.1, false, raw",
    "0.10, true, qcow2", "1.1, false, qcow2", "1.1, true, qcow2",
  })
  void read_depth3ChainFromQemuImg_matchesQemuImgInfo(String compat, boolean relative, String baseFormat)
      throws Exception {
    Path base = baseFormat.equals("raw")
        ? rawImage(fx.cache.resolve("base.raw"), "96M")
        : qcow2(fx.cache.resolve("base.qcow2"), "compat=" + compat, null, null);
    Path mid = Files.createDirectories(fx.cache.resolve("sub")).resolve("mid.qcow2");
    qcow2(mid, "compat=" + compat, relative ? "../" + base.getFileName() : base.toString(), baseFormat);
    Path top = fx.instance.resolve("disk");
    qcow2(top, "compat=" + compat, relative ? "../../cache/sub/mid.qcow2" : mid.toString(), "qcow2");

    BackingChain chain = assertMatchesQemu(top);
    assertThat(chain.links()).extracting(BackingChain.Link::path).containsExactly(top, mid, base);
  }

  @Test
  void read_symlinkedTopWithRelativeName_resolvesBesideTheSymlinkAsQemuDoes() throws Exception {
    rawImage(fx.outside.resolve("base.raw"), "8M");
    Path base = rawImage(fx.cache.resolve("base.raw"), "16M");
    Path overlay = qcow2(fx.outside.resolve("overlay.qcow2"), "compat=1.1", "base.raw", "raw");
    Path link = Files.createSymbolicLink(fx.cache.resolve("top.qcow2"), overlay);
    assertThat(assertMatchesQemu(link).backingFiles().get(0).path()).isEqualTo(base);
    refusal(overlay, Reason.UNTRUSTED_BACKING_FILE, fx.outside.resolve("base.raw").toString());
  }

  @Test
  void read_backingOutsideAllowedDir_untrusted() throws Exception {
    Path elsewhere = rawImage(fx.outside.resolve("base.raw"), "16M");
    Path top = qcow2(fx.instance.resolve("disk"), "compat=1.1", elsewhere.toString(), "raw");
    ImageTrustException e = refusal(top, Reason.UNTRUSTED_BACKING_FILE, elsewhere.toString());
    assertThat(e.details()).containsEntry("file", elsewhere.toString());
  }

  @Test
  void read_dataFile_unsafe() throws Exception {
    Path base = rawImage(fx.cache.resolve("base.raw"), "16M");
    Path top = qcow2(fx.instance.resolve("disk"), "compat=1.1,data_file=disk.data", base.toString(), "raw");
    refusal(top, Reason.UNSAFE_IMAGE, "external data file");
    Path mid = qcow2(fx.cache.resolve("mid.qcow2"), "compat=1.1,data_file=mid.data,data_file_raw=on", null, null);
    Path top2 = qcow2(fx.instance.resolve("disk2"), "compat=1.1", mid.toString(), "qcow2");
    refusal(top2, Reason.UNSAFE_IMAGE, "external data file");
  }

  @Test
  void read_jsonOrNbdBackingNameWrittenByRebase_unsafe() throws Exception {
    Path base = rawImage(fx.cache.resolve("base.raw"), "16M");
    Path top = qcow2(fx.instance.resolve("disk"), "compat=1.1", base.toString(), "raw");
    String json = "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"" + base + "\"}}";
    run(fx.root, "rebase", "-u", "-b", json, "-F", "raw", top.toString());
    refusal(top, Reason.UNSAFE_IMAGE, "json:");
    run(fx.root, "rebase", "-u", "-b", "nbd://127.0.0.1:10809/base", "-F", "raw", top.toString());
    refusal(top, Reason.UNSAFE_IMAGE, "protocol prefix 'nbd:'");
  }

  /**
   * qemu-img 7.2 refuses to write a backing file without a backing format (create and rebase -u alike), so the
   * extension is renamed by hand; qemu-img info then agrees that no backing format is declared.
   */
  @Test
  void read_withoutBackingFormat_unsafe() throws Exception {
    Path base = rawImage(fx.cache.resolve("base.raw"), "16M");
    Path top = qcow2(fx.instance.resolve("disk"), "compat=1.1", base.toString(), "raw");
    assertThat(tryRun(fx.root, "rebase", "-u", "-b", base.toString(), top.toString())).isNull();
    assertThat(tryRun(fx.root, "create", "-q", "-f", "qcow2", "-b", base.toString(), "x.qcow2")).isNull();
    assertThat(tryRun(fx.root, "create", "-q", "-f", "qcow2", "-o", "backing_file=" + base, "y.qcow2")).isNull();

    renameBackingFormatExtension(top);
    JsonNode info = new ObjectMapper().readTree(run(fx.root, "info", "--output=json", top.toString()));
    assertThat(info.get("backing-filename").asText()).isEqualTo(base.toString());
    assertThat(info.has("backing-filename-format")).isFalse();
    refusal(top, Reason.UNSAFE_IMAGE, "without a backing format");
  }

  private static void renameBackingFormatExtension(Path image) throws Exception {
    try (FileChannel c = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(4096);
      c.read(header, 0);
      for (int at = header.getInt(100); at + 8 <= 4096; ) {
        int type = header.getInt(at);
        if (type == Qcow2Extensions.BACKING_FORMAT) {
          c.write(ByteBuffer.allocate(4).putInt(0, 0x0bad0bad), at);
          return;
        }
        assertThat(type).as("backing format extension not found").isNotZero();
        at += 8 + ((header.getInt(at + 4) + 7) & ~7);
      }
    }
  }

  @Test
  void read_declaredRawButQcow2_unsafeProbingAttack() throws Exception {
    Path planted = qcow2(fx.cache.resolve("guest.img"), "compat=1.1", null, null);
    Path top = qcow2(fx.instance.resolve("disk"), "compat=1.1", planted.toString(), "raw");
    assertThat(run(fx.root, "info", "--output=json", "--backing-chain", top.toString())).contains("\"raw\"");
    refusal(top, Reason.UNSAFE_IMAGE, "declared raw but its header is qcow2");
  }

  /** qemu-img create -b on a looping chain spins in 7.2 (memory grows without end), so loops are made with -u. */
  @Test
  void read_loopMadeByRebase_unsafeLikeQemuImgInfo() throws Exception {
    Path a = qcow2(fx.cache.resolve("a.qcow2"), "compat=1.1", null, null);
    Path b = qcow2(fx.cache.resolve("b.qcow2"), "compat=1.1", "a.qcow2", "qcow2");
    run(fx.cache, "rebase", "-u", "-b", "b.qcow2", "-F", "qcow2", a.toString());
    assertThat(tryRun(fx.root, "info", "--backing-chain", b.toString())).isNull();
    Path top = fx.instance.resolve("disk");
    run(fx.root, "create", "-q", "-f", "qcow2", "-u", "-b", b.toString(), "-F", "qcow2", top.toString(), "64M");
    refusal(top, Reason.UNSAFE_IMAGE, "loops");
  }

  @Test
  void read_qemuChainDeeperThanEight_unsafe() throws Exception {
    String previous = rawImage(fx.cache.resolve("base.raw"), "16M").getFileName().toString();
    String format = "raw";
    for (int i = 1; i <= 8; i++) {
      qcow2(fx.cache.resolve("l" + i + ".qcow2"), "compat=1.1", previous, format);
      previous = "l" + i + ".qcow2";
      format = "qcow2";
    }
    Path ok = qcow2(fx.instance.resolve("ok"), "compat=1.1", fx.cache.resolve("l7.qcow2").toString(), "qcow2");
    assertThat(assertMatchesQemu(ok).backingFiles()).hasSize(8);
    Path deep = qcow2(fx.instance.resolve("deep"), "compat=1.1", fx.cache.resolve("l8.qcow2").toString(), "qcow2");
    refusal(deep, Reason.UNSAFE_IMAGE, "deeper than 8");
  }
}
