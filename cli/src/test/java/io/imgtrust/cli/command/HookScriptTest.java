package io.imgtrust.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hook script run by a real {@code /bin/sh}: which domains and operations reach the launcher. */
class HookScriptTest {
  @TempDir Path dir;

  @Test
  void allDomains_prepareBegin_runsTheLauncherWithTheConfig() throws Exception {
    Path hook = write(HookScript.body(launcher(), dir.resolve("it's.conf")));
    assertThat(run(hook, "vm-1", "prepare", "begin")).isEqualTo("--config " + dir.resolve("it's.conf")
        + " hook qemu -- vm-1 prepare begin -");
  }

  @Test
  void allDomains_otherOperation_passesWithoutTheLauncher() throws Exception {
    Path hook = write(HookScript.body(launcher(), null));
    assertThat(run(hook, "vm-1", "release", "end")).isEmpty();
  }

  @Test
  void domainPattern_matchingDomainChecked_otherDomainPassesUnchecked() throws Exception {
    Path hook = write(HookScript.body(launcher(), null, "imgtrust-it-*"));
    assertThat(run(hook, "imgtrust-it-q1", "prepare", "begin")).isEqualTo("hook qemu -- imgtrust-it-q1 prepare begin -");
    assertThat(run(hook, "instance-0001", "prepare", "begin")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"esac", "in", "case", "fi", "-", "?*", "*-*"})
  void domainPattern_shellWordsAndPunctuation_scriptStillRunsAndMatchesPlainly(String glob) throws Exception {
    Path hook = write(HookScript.body(launcher(), null, glob));
    assertThat(run(hook, glob, "prepare", "begin")).as("the domain named like the pattern is checked")
        .isEqualTo("hook qemu -- " + glob + " prepare begin -");
    assertThat(run(hook, glob, "release", "end")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "-V", "@/etc/hostname", "--"})
  void domainNamedLikeAnOption_reachesTheLauncherAfterDoubleDash(String domain) throws Exception {
    Path hook = write(HookScript.body(launcher(), null));
    assertThat(run(hook, domain, "prepare", "begin")).isEqualTo("hook qemu -- " + domain + " prepare begin -");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a;rm -rf /", "$(id)", "a)", "x|y", "`id`", "a\nb"})
  void domainPattern_shellSyntax_rejected(String glob) {
    assertThat(HookScript.isDomainPattern(glob)).isFalse();
    assertThatThrownBy(() -> HookScript.body(launcher(), null, glob)).isInstanceOf(IllegalArgumentException.class);
  }

  private Path launcher() {
    return dir.resolve("launcher");
  }

  /** Writes the hook and a launcher that records its arguments in {@code args}. */
  private Path write(String body) throws IOException {
    Files.writeString(launcher(), "#!/bin/sh\ncat >/dev/null\necho \"$*\" > '" + dir.resolve("args") + "'\n");
    Files.setPosixFilePermissions(launcher(), PosixFilePermissions.fromString("rwx------"));
    return Files.writeString(dir.resolve("hook"), body);
  }

  /** Runs the hook as libvirt does (XML on stdin); what the launcher got, or "" when it did not run. */
  private String run(Path hook, String domain, String op, String subop) throws Exception {
    Files.deleteIfExists(dir.resolve("args"));
    Process p = new ProcessBuilder(List.of("/bin/sh", hook.toString(), domain, op, subop, "-")).start();
    p.getOutputStream().write("<domain/>".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertThat(p.waitFor()).isZero();
    Path args = dir.resolve("args");
    return Files.exists(args) ? Files.readString(args).strip() : "";
  }
}
