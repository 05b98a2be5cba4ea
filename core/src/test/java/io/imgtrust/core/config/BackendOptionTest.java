package io.imgtrust.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendOptionTest {
  private static final BackendOption FORMAT = BackendOption.of("toy", "format", Key.Type.choice("a", "b"), "a",
      "a or b");
  private static final BackendOption DIRS = BackendOption.of("toy", "dirs", Key.Type.LIST, "", "directories");

  @TempDir Path dir;

  @Test
  void load_declaredOption_keptTypedAndNotWarned() throws Exception {
    Path f = Files.writeString(dir.resolve("c.conf"), "[toy]\nformat = b\n");

    ImgtrustConfig c = ConfigLoader.load(f, List.of(FORMAT, DIRS));

    assertThat(c.string(FORMAT)).isEqualTo("b");
    assertThat(c.string(DIRS)).isEmpty();
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void load_optionNobodyDeclared_warned() throws Exception {
    Path f = Files.writeString(dir.resolve("c.conf"), "[toy]\nformat = b\ncolour = red\n[other]\nx = 1\n");

    ImgtrustConfig c = ConfigLoader.load(f, List.of(FORMAT));

    assertThat(c.warnings()).hasSize(2);
    assertThat(String.join("\n", c.warnings())).contains("[toy] colour").contains("[other]");
  }

  @Test
  void load_badValueOfDeclaredOption_badConfigNamingFileSectionOption() throws Exception {
    Path f = Files.writeString(dir.resolve("c.conf"), "[toy]\nformat = c\n");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> ConfigLoader.load(f, List.of(FORMAT)));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.details()).containsEntry("file", f.toString()).containsEntry("section", "toy")
        .containsEntry("option", "format");
  }

  @Test
  void load_declaredOptionTwice_badConfig() throws Exception {
    Path f = Files.writeString(dir.resolve("c.conf"), "[toy]\nformat = a\nformat = b\n");

    assertThatThrownBy(() -> ConfigLoader.load(f, List.of(FORMAT))).isInstanceOf(ImageTrustException.class)
        .hasMessageContaining("more than once");
  }

  @Test
  void of_coreKey_refused() {
    assertThatThrownBy(() -> BackendOption.of("libvirt", "images_type", Key.Type.STRING, "", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void with_badValue_badConfig() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> ImgtrustConfig.defaults().with(FORMAT, "z"));

    assertThat(e.details()).containsEntry("section", "toy").containsEntry("option", "format");
  }
}
