package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Training}: the command lines it runs for the class-data archive. */
class TrainingTest {
  @Test
  void split_linesSeparatedByNext_eachLineItsOwnArguments() {
    assertThat(Training.split(new String[] {"--help", "--next", "--json", "demo", "--next", "bench", "--help"}))
        .containsExactly(new String[] {"--help"}, new String[] {"--json", "demo"}, new String[] {"bench", "--help"});
  }

  @Test
  void split_noNext_oneLine() {
    assertThat(Training.split(new String[] {"verify", "x"})).containsExactly(new String[] {"verify", "x"});
  }
}
