package io.imgtrust.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void write_replacesContentWithModeAndNoTemporaries() throws Exception {
    Path f = dir.resolve("a");
    Files.writeString(f, "old");

    AtomicFiles.write(f, "new".getBytes(), "rw-r-----");

    assertThat(Files.readString(f)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).hasSize(1);
    }
  }

  @Test
  void create_existingTarget_failsAndKeepsIt() throws Exception {
    Path f = dir.resolve("a");
    Files.writeString(f, "mine");

    assertThatThrownBy(() -> AtomicFiles.create(f, "theirs".getBytes(), "rw-------"))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(f)).isEqualTo("mine");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).hasSize(1);
    }
  }

  @Test
  void fileIdentity_symlink_refused() throws Exception {
    Path f = Files.writeString(dir.resolve("real"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("link"), f);

    assertThatThrownBy(() -> FileIdentity.of(link)).hasMessageContaining("symbolic link");
    assertThat(FileIdentity.of(f).size()).isEqualTo(1);
  }
}
