package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoggingTest {
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
}
