package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path dir;

  @Test
  void token_fileRenewedAfterGlanceRefusedTheOldOne_newTokenRead() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "first\n");
    TokenFile t = new TokenFile(f);
    assertThat(t.token()).contains("first");
    Files.writeString(f, "second\n");

    assertThat(t.token()).as("kept until refused").contains("first");
    t.invalidate("first");
    assertThat(t.token()).contains("second");
  }

  @Test
  void token_emptyOrSpacedFile_badConfig() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "two words\n");

    ImageTrustException e = catchThrowableOfType(ImageTrustException.class, () -> new TokenFile(f).token());

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).doesNotContain("two words");
  }

  @Test
  void token_missingFile_badConfig() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> new TokenFile(dir.resolve("absent")).token());

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
  }
}
