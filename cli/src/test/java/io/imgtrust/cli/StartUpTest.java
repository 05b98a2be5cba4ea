package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link StartUp}: which commands warm what. */
class StartUpTest {
  @Test
  void steps_commandsThatReadImages_areCommandsMainKnows() {
    for (String command : new String[] {"verify", "cache", "spawn", "hook"}) {
      assertThat(StartUp.steps(command)).as(command).isNotEmpty();
      assertThat(Main.commandName(new String[] {command})).isEqualTo(command);
    }
  }

  @Test
  void steps_hook_jsonFirstThenTheDomainXmlThenTheRecordsHmac() {
    assertThat(StartUp.steps("hook")).startsWith(StartUp.Step.JSON, StartUp.Step.XML, StartUp.Step.HMAC);
  }

  @Test
  void steps_otherCommandsAndNone_warmNothing() {
    assertThat(StartUp.steps("sign")).isEmpty();
    assertThat(StartUp.steps("demo")).isEmpty();
    assertThat(StartUp.steps(null)).isEmpty();
  }

  @Test
  void run_everyStep_completesHere() throws Exception {
    for (StartUp.Step s : StartUp.Step.values()) {
      s.run();
    }
  }
}
