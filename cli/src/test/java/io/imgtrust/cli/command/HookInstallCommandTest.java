package io.imgtrust.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shell quoting of the hook script {@code hook install} writes. */
class HookInstallCommandTest {
  @Test
  void hookInstall_quote_survivesSingleQuotes() {
    assertThat(HookScript.quote("/a b/it's")).isEqualTo("'/a b/it'\\''s'");
  }
}
