package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command contract, in-process: exit codes, JSON on success and failure, messages that say what to fix. */
class MainTest {
  @TempDir static Path shared;
  private static Path demo;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeAll
  static void makeDemoFiles() {
    demo = shared.resolve("demo");
    PrintStream old = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream()));
    try {
      assertThat(Main.run("demo", "--no-backends", "--dir", demo.toString(), "--size-mib", "5")).isZero();
    } finally {
      System.setOut(old);
    }
  }

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private JsonNode json() throws Exception {
    return Output.mapper().readTree(out());
  }

  private String[] verifyArgs(String... more) {
    String[] base = {"--config", demo.resolve("imgtrust.conf").toString(), "--json", "verify",
        demo.resolve("image.raw").toString(), "--meta", demo.resolve("image.json").toString()};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void demo_freshDirectory_reportsEveryStep() throws Exception {
    Path d = shared.resolve("demo-json");

    assertThat(Main.run("--json", "demo", "--no-backends", "--dir", d.toString(), "--size-mib", "1")).isZero();

    JsonNode j = json();
    assertThat(j.get("ok").asBoolean()).isTrue();
    assertThat(j.get("steps")).hasSize(15);
    assertThat(j.get("steps").get(6).asText()).contains("DIGEST_MISMATCH");
    assertThat(j.get("steps").get(10).asText()).contains("DIGEST_MISMATCH").contains(".quarantine");
    assertThat(j.get("steps").get(11).asText()).contains("refilled");
    assertThat(j.get("steps").get(12).asText()).startsWith("skipped: Glance (no --glance)");
    assertThat(j.get("steps").get(13).asText()).startsWith("skipped: lvm (no --lvm-vg)");
    assertThat(j.get("steps").get(14).asText()).startsWith("skipped: rbd (no --ceph-conf)");
  }

  @Test
  void demo_nonEmptyDirectory_refusedWithoutTouchingIt() throws Exception {
    Path d = Files.createDirectories(shared.resolve("occupied"));
    Files.writeString(d.resolve("keep.txt"), "mine");

    assertThat(Main.run("demo", "--dir", d.toString())).isNotZero();

    assertThat(Files.readString(d.resolve("keep.txt"))).isEqualTo("mine");
    assertThat(Files.list(d).count()).isEqualTo(1);
  }

  @Test
  void verify_goodImage_exit0WithReport() throws Exception {
    assertThat(Main.run(verifyArgs())).isZero();

    JsonNode j = json();
    assertThat(j.get("ok").asBoolean()).isTrue();
    assertThat(j.get("bytes_hashed").asLong()).isEqualTo(5L << 20);
    assertThat(j.at("/signature/key_type").asText()).isEqualTo("RSA-PSS");
    assertThat(j.at("/signature/trust_anchor/subject").asText()).contains("demo root CA");
    assertThat(j.at("/digests/0/algorithm").asText()).isEqualTo("sha512");
  }

  @Test
  void verify_tamperedImage_exit3JsonReason() throws Exception {
    Path copy = shared.resolve("tampered.raw");
    Files.copy(demo.resolve("image.raw"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
      f.seek(99);
      f.write(f.read() ^ 4);
    }

    int code = Main.run("--config", demo.resolve("imgtrust.conf").toString(), "--json", "verify",
        copy.toString(), "--meta", demo.resolve("image.json").toString());

    assertThat(code).isEqualTo(3);
    assertThat(json().get("ok").asBoolean()).isFalse();
    assertThat(json().get("reason").asText()).isEqualTo("DIGEST_MISMATCH");
    assertThat(json().get("expected").asText()).hasSize(128);
  }

  @Test
  void verify_brokenMetadata_exit2Malformed() throws Exception {
    Path meta = shared.resolve("broken.json");
    Files.writeString(meta, "{\"id\": \"x\", ");

    int code = Main.run("--json", "verify", demo.resolve("image.raw").toString(), "--meta", meta.toString());

    assertThat(code).isEqualTo(2);
    assertThat(json().get("reason").asText()).isEqualTo("MALFORMED_METADATA");
  }

  @Test
  void verify_missingMetaOption_exit2NamesOption() {
    assertThat(Main.run("verify", demo.resolve("image.raw").toString())).isEqualTo(2);

    assertThat(err()).contains("--meta").contains("verify --help");
  }

  @Test
  void run_unknownOptionWithJson_exit2JsonUsage() throws Exception {
    assertThat(Main.run("--json", "verify", "x", "--meta", "y", "--frobnicate")).isEqualTo(2);

    assertThat(json().get("reason").asText()).isEqualTo("USAGE");
    assertThat(json().get("message").asText()).contains("--frobnicate");
  }

  @Test
  void hookQemu_domainNamedLikeHelpOrAtFile_isCheckedNotHelpOrExpanded() throws Exception {
    Path atFile = Files.writeString(shared.resolve("help-args"), "--help\n");
    java.io.InputStream in = System.in;
    try {
      for (String domain : java.util.List.of("--help", "-V", "@" + atFile)) {
        out.reset();
        System.setIn(new java.io.ByteArrayInputStream("<not-a-domain".getBytes(StandardCharsets.UTF_8)));
        int code = Main.run("--json", "--config", demo.resolve("imgtrust.conf").toString(), "hook", "qemu", "--",
            domain, "prepare", "begin", "-");

        assertThat(code).as(domain).isEqualTo(2);
        assertThat(json().get("reason").asText()).as(domain).isEqualTo("MALFORMED_DOMAIN");
      }
    } finally {
      System.setIn(in);
    }
  }

  @Test
  void hookInstall_domainPatternWithShellSyntax_exit2BeforeWritingAnything() throws Exception {
    Path hooks = shared.resolve("hooks-bad-pattern");
    assertThat(Main.run("--json", "hook", "install", "--hooks-dir", hooks.toString(), "--domains", "x);id;("))
        .isEqualTo(2);

    assertThat(json().get("reason").asText()).isEqualTo("USAGE");
    assertThat(json().get("message").asText()).contains("--domains");
    assertThat(hooks).doesNotExist();
  }

  @Test
  void run_noCommand_exit2ListsCommands() {
    assertThat(Main.run()).isEqualTo(2);

    assertThat(err()).contains("Missing command").contains("verify");
  }

  @Test
  void run_badConfigValue_exit2NamesFileSectionAndOption() throws Exception {
    Path conf = shared.resolve("bad.conf");
    Files.writeString(conf, "[verification]\nverify_signatures = maybe\n");

    int code = Main.run("--config", conf.toString(), "--json", "verify", "x", "--meta", "y");

    assertThat(code).isEqualTo(2);
    JsonNode j = json();
    assertThat(j.get("reason").asText()).isEqualTo("BAD_CONFIG");
    assertThat(j.get("message").asText()).contains(conf.toString()).contains("[verification] verify_signatures");
  }

  @Test
  void run_missingConfigFile_exit2() {
    assertThat(Main.run("--config", shared.resolve("none.conf").toString(), "verify", "x", "--meta", "y"))
        .isEqualTo(2);

    assertThat(err()).contains("BAD_CONFIG").contains("no such file");
  }

  @Test
  void sign_unknownHashMethod_exit2() {
    int code = Main.run("sign", demo.resolve("image.raw").toString(), "--key",
        demo.resolve("signing-key.pem").toString(), "--cert-id", "c", "--hash-method", "SHA-1");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("--hash-method");
  }

  @Test
  void sign_thenVerify_roundTrip() throws Exception {
    assertThat(Main.run("sign", demo.resolve("image.raw").toString(), "--key",
        demo.resolve("signing-key.pem").toString(), "--cert-id", "c-1", "--hash-method", "SHA-512")).isZero();

    JsonNode sig = json();
    assertThat(sig.size()).isEqualTo(4);
    assertThat(sig.get("img_signature_key_type").asText()).isEqualTo("RSA-PSS");
    assertThat(sig.get("img_signature_hash_method").asText()).isEqualTo("SHA-512");
    assertThat(sig.get("img_signature_certificate_uuid").asText()).isEqualTo("c-1");
  }

  @Test
  void help_everyCommand_explainsExitCodes() {
    for (String cmd : new String[] {"verify", "sign", "demo"}) {
      out.reset();
      assertThat(Main.run(cmd, "--help")).isZero();
      assertThat(out()).contains("Usage: imgtrust " + cmd);
    }
    out.reset();
    assertThat(Main.run("--help")).isZero();
    assertThat(out()).contains("Exit status").contains(" 3 ");
  }

  @Test
  void spawn_pathLikeInstanceName_exit2Usage() throws Exception {
    assertThat(Main.run("--json", "spawn", "--instance", "bad/x", "--image", "img")).isEqualTo(2);

    assertThat(json().get("reason").asText()).isEqualTo("USAGE");
  }
}
