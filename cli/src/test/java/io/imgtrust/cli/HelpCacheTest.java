package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendered help texts: the same as picocli's, served only for plain help requests. */
class HelpCacheTest {
  @TempDir Path dir;

  @BeforeEach
  void render() throws Exception {
    HelpCache.main(new String[] {dir.toString()});
    System.setProperty(HelpCache.PROPERTY, dir.toString());
  }

  @AfterEach
  void unset() {
    System.clearProperty(HelpCache.PROPERTY);
  }

  @Test
  void lookup_everyCommandAndSubcommand_isWhatPicocliPrints() {
    List<List<String>> paths = HelpCache.paths();
    assertThat(paths).contains(List.of(), List.of("verify"), List.of("cache", "fetch"), List.of("hook", "install"),
        List.of("bench", "all"));
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add(path.size() == 1 ? "-h" : "--help");
      assertThat(HelpCache.lookup(args.toArray(new String[0])))
          .as("%s", args).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8))
              .isEqualTo(HelpCache.render(path)).contains("Usage: imgtrust"));
    }
  }

  @Test
  void lookup_notAPlainHelpRequest_empty() {
    assertThat(HelpCache.lookup(new String[] {})).isEmpty();
    assertThat(HelpCache.lookup(new String[] {"verify"})).isEmpty();
    assertThat(HelpCache.lookup(new String[] {"--config", "x.conf", "verify", "--help"})).isEmpty();
    assertThat(HelpCache.lookup(new String[] {"--json", "--help"})).isEmpty();
    assertThat(HelpCache.lookup(new String[] {"--help", "verify"})).isEmpty();
  }

  @Test
  void lookup_unknownOrHostileName_emptySoPicocliAnswers() throws Exception {
    Files.writeString(dir.getParent().resolve("x.txt"), "outside");
    assertThat(HelpCache.lookup(new String[] {"frobnicate", "--help"})).isEmpty();
    assertThat(HelpCache.lookup(new String[] {"..", "--help"})).isEmpty();
    assertThat(HelpCache.lookup(new String[] {"../x", "--help"})).isEmpty();
  }

  @Test
  void lookup_namesJoinedDifferently_emptyNotAnotherCommandsHelp() {
    assertThat(HelpCache.lookup(new String[] {"cache", "fetch", "--help"})).isPresent();
    assertThat(HelpCache.lookup(new String[] {"cache-fetch", "--help"})).isEmpty();
    assertThat(HelpCache.lookup(new String[] {"cache", "base", "list", "--help"})).isEmpty();
    assertThat(HelpCache.lookup(new String[] {"hook-install", "-h"})).isEmpty();
  }

  @Test
  void lookup_renderedFromAnotherJar_emptySoPicocliAnswers() throws Exception {
    Files.writeString(dir.resolve("jar.stamp"), "1 2");
    assertThat(HelpCache.lookup(new String[] {"--help"})).isEmpty();
  }

  @Test
  void lookup_noDirectoryGiven_empty() {
    System.clearProperty(HelpCache.PROPERTY);
    assertThat(HelpCache.lookup(new String[] {"--help"})).isEmpty();
  }
}
