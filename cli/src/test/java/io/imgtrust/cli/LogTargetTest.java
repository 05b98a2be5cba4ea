package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTargetTest {
  /** Records each write call, to see that a line is one write. */
  private static final class Writes extends OutputStream {
    final List<String> calls = new ArrayList<>();

    @Override
    public void write(int b) {
      calls.add(String.valueOf((char) b));
    }

    @Override
    public void write(byte[] b, int off, int len) {
      calls.add(new String(b, off, len, StandardCharsets.UTF_8));
    }
  }

  private static PrintStream print(LogTarget t) {
    return new PrintStream(t, true, StandardCharsets.UTF_8);
  }

  @Test
  void toStderr_linesPassUnchanged() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LogTarget t = LogTarget.to(err);

    print(t).println("[WARN] X - hello");

    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("[WARN] X - hello" + System.lineSeparator());
  }

  @Test
  void toFile_eachLineOneWriteWithTimePidAndContext() {
    Writes file = new Writes();
    LogTarget t = LogTarget.to(new ByteArrayOutputStream());
    t.toFile(file);
    t.context("hook qemu vm-1");

    PrintStream p = print(t);
    p.print("[WARN] X - first");
    p.print(" half\n[WARN] Y - second\n");

    String pid = Long.toString(ProcessHandle.current().pid());
    assertThat(file.calls).hasSize(2);
    assertThat(file.calls.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z imgtrust\\[" + pid
        + "\\] hook qemu vm-1 \\[WARN\\] X - first half\n");
    assertThat(file.calls.get(1)).endsWith(" hook qemu vm-1 [WARN] Y - second\n");
  }

  @Test
  void buffered_keptLinesGoToTheFileOnceKnown() {
    Writes file = new Writes();
    LogTarget t = LogTarget.buffered();
    print(t).println("[WARN] early");

    assertThat(file.calls).isEmpty();
    t.toFile(file);

    assertThat(file.calls).singleElement().asString().endsWith("] [WARN] early\n").contains(" imgtrust[");
  }

  @Test
  void buffered_thenDiscarded_nothingWrittenAnywhere() {
    LogTarget t = LogTarget.buffered();
    print(t).println("[WARN] early");

    t.discard();
    print(t).println("[WARN] late");

    Writes file = new Writes();
    t.toFile(file);
    assertThat(file.calls).isEmpty();
  }

  @Test
  void buffered_keepsAtMostTheLimit() {
    LogTarget t = LogTarget.buffered();
    PrintStream p = print(t);
    for (int i = 0; i < 2 * LogTarget.BUFFER_LIMIT / 10; i++) {
      p.println("123456789");
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();

    t.toFile(file);

    long lines = file.toString(StandardCharsets.UTF_8).lines().count();
    assertThat(lines).as("whole lines kept").isEqualTo(LogTarget.BUFFER_LIMIT / 10);
  }
}
