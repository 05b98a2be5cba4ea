package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoggingTest {
  private static final int NOBODY = 65534;

  @TempDir Path tmp;

  @Test
  void file_logFileSet_usedByCommandsAndHook() throws Exception {
    ImgtrustConfig c = ImgtrustConfig.defaults().with(Key.LOG_FILE, "/srv/log/imgtrust.log");

    assertThat(Logging.file(c, false)).contains(Path.of("/srv/log/imgtrust.log"));
    assertThat(Logging.file(c, true)).contains(Path.of("/srv/log/imgtrust.log"));
  }

  @Test
  void file_logFileEmpty_commandsUseStderrHookUsesItsDefault() {
    ImgtrustConfig c = ImgtrustConfig.defaults();

    assertThat(Logging.file(c, false)).isEmpty();
    assertThat(Logging.file(c, true)).contains(Path.of("/var/log/imgtrust/hook.log"));
  }

  /** Plants a FIFO or a symbolic link to a file that must not change at {@code at}. */
  static void plant(String what, Path at, Path victim) throws Exception {
    if (what.equals("fifo")) {
      assertThat(new ProcessBuilder("mkfifo", at.toString()).inheritIO().start().waitFor()).isZero();
    } else {
      Files.createSymbolicLink(at, victim);
    }
  }

  @ParameterizedTest
  @CsvSource({"fifo,false", "victim,false", "fifo,true", "victim,true"})
  void open_fifoOrSymlinkInUnsafeOrSafeDirectory_refusedPromptlyNothingWritten(String planted, boolean safeDir)
      throws Exception {
    Path d = Files.createDirectories(tmp.resolve("log"));
    if (!safeDir) {
      Files.setAttribute(d, "unix:uid", NOBODY);
    }
    Path victim = Files.writeString(tmp.resolve("victim"), "ROOT ONLY\n");
    Path log = d.resolve("hook.log");
    plant(planted, log, victim);

    Throwable t = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchThrowable(() -> {
      try (OutputStream out = Logging.open(log, false)) {
        out.write("appended\n".getBytes(StandardCharsets.UTF_8));
      }
    }));

    assertThat(t).as("refused").isInstanceOfAny(IOException.class, ImageTrustException.class);
    assertThat(Files.readString(victim)).isEqualTo("ROOT ONLY\n");
  }

  @Test
  void open_safeDirectory_appendsToARegularFileMode0640() throws Exception {
    Path log = Files.createDirectories(tmp.resolve("log")).resolve("hook.log");

    try (OutputStream out = Logging.open(log, false)) {
      out.write("one\n".getBytes(StandardCharsets.UTF_8));
    }
    try (OutputStream out = Logging.open(log, false)) {
      out.write("two\n".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(Files.readString(log)).isEqualTo("one\ntwo\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-r-----");
  }
}
