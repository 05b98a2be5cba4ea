package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Start-up: only the commands the arguments name get a picocli model; help and usage errors still list them all. */
class MainCommandLineTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  @Test
  void commandLine_hookQemu_registersOnlyHookQemu() {
    CommandLine cl = Main.commandLine("hook", "qemu", "vm1", "prepare", "begin", "-");

    assertThat(cl.getSubcommands().keySet()).containsExactly("hook");
    assertThat(cl.getSubcommands().get("hook").getSubcommands().keySet()).containsExactly("qemu");
  }

  @Test
  void commandLine_configThenBenchStartup_registersOnlyBenchStartup() {
    CommandLine cl = Main.commandLine("--config", "bench", "--json", "bench", "startup", "--runs", "1");

    assertThat(cl.getSubcommands().keySet()).containsExactly("bench");
    assertThat(cl.getSubcommands().get("bench").getSubcommands().keySet()).containsExactly("startup");
  }

  @Test
  void commandLine_rootHelp_registersEveryCommandWithoutNestedOnes() {
    CommandLine cl = Main.commandLine("--help");

    assertThat(cl.getSubcommands().keySet())
        .containsExactly("verify", "sign", "cache", "spawn", "hook", "demo", "bench");
    assertThat(cl.getSubcommands().get("cache").getSubcommands()).isEmpty();
  }

  @Test
  void commandLine_unknownCacheSubcommand_registersEveryCacheCommand() {
    CommandLine cl = Main.commandLine("cache", "frobnicate");

    assertThat(cl.getSubcommands().get("cache").getSubcommands().keySet())
        .containsExactly("add", "fetch", "list", "verify", "scrub", "quarantine", "base-list", "base-remove");
  }

  @Test
  void run_cacheWithoutSubcommand_exit2ListsEveryCacheCommand() {
    assertThat(Main.run("cache")).isEqualTo(2);

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing cache command");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("quarantine");
  }

  @Test
  void run_unknownHookSubcommand_exit2NamesIt() {
    assertThat(Main.run("hook", "frobnicate")).isEqualTo(2);

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("frobnicate");
  }

  @Test
  void run_benchHelp_listsEveryBenchmark() {
    assertThat(Main.run("bench", "--help")).isEqualTo(0);

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("startup");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("memory");
  }
}
