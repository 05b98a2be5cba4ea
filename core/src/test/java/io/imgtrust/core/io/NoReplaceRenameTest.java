package io.imgtrust.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoReplaceRenameTest {
  @TempDir Path dir;

  @Test
  void rename_directoryToFreeName_moved() throws Exception {
    Path tmp = Files.createDirectory(dir.resolve(".disk.ploop.import-1"));
    Files.writeString(tmp.resolve("root.hds"), "data");

    NoReplaceRename.rename(tmp, dir.resolve("disk.ploop"));

    assertThat(tmp).doesNotExist();
    assertThat(dir.resolve("disk.ploop/root.hds")).hasContent("data");
  }

  @Test
  void rename_emptyDirectoryMadeInTheWindow_refusedAndKept() throws Exception {
    Path tmp = Files.createDirectory(dir.resolve(".disk.ploop.import-1"));
    Files.writeString(tmp.resolve("root.hds"), "data");
    Path target = Files.createDirectory(dir.resolve("disk.ploop"));

    assertThatThrownBy(() -> NoReplaceRename.rename(tmp, target)).isInstanceOf(FileAlreadyExistsException.class);

    assertThat(target).isEmptyDirectory();
    assertThat(tmp.resolve("root.hds")).hasContent("data");
  }

  @Test
  void rename_existingFile_refusedAndKept() throws Exception {
    Path tmp = Files.writeString(dir.resolve(".disk.new"), "new");
    Path target = Files.writeString(dir.resolve("disk"), "old");

    assertThatThrownBy(() -> NoReplaceRename.rename(tmp, target)).isInstanceOf(FileAlreadyExistsException.class);

    assertThat(target).hasContent("old");
  }

  @Test
  void rename_missingSource_ioErrorWithErrno() {
    assertThatThrownBy(() -> NoReplaceRename.rename(dir.resolve("absent"), dir.resolve("x")))
        .isInstanceOf(IOException.class).isNotInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("errno 2");
  }
}
