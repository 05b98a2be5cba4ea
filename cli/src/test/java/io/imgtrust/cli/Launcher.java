package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the real {@code ./imgtrust} launcher as a child process, as scripts and operators do. */
final class Launcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Launcher() {}

  /** The launcher at the repository root ({@code imgtrust.root}, set by failsafe, or found from user.dir). */
  static Path locate() {
    String root = System.getProperty("imgtrust.root");
    if (root != null && !root.isBlank() && Files.isRegularFile(Path.of(root).resolve("imgtrust"))) {
      return checked(Path.of(root).resolve("imgtrust"));
    }
    for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("imgtrust")) && Files.isRegularFile(d.resolve("pom.xml"))) {
        return checked(d.resolve("imgtrust"));
      }
    }
    return fail("imgtrust launcher not found (imgtrust.root=%s, user.dir=%s)", root, System.getProperty("user.dir"));
  }

  private static Path checked(Path launcher) {
    assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();
    return launcher;
  }

  /** The argument list of {@code imgtrust --config CFG --json ARGS...}. */
  static List<String> command(Path config, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(locate().toString());
    cmd.addAll(List.of("--config", config.toString(), "--json"));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  /** Runs {@code imgtrust --config CFG --json ARGS...} to completion. */
  static OpensslPki.Result run(Path config, String... args) {
    return OpensslPki.run(command(config, args));
  }

  /** Parses a result's stdout, which must be exactly one JSON object. */
  static JsonNode json(OpensslPki.Result r) {
    try {
      JsonNode n = JSON.readTree(r.stdout());
      assertThat(n != null && n.isObject()).as("one JSON object on stdout%n%s", r.describe()).isTrue();
      return n;
    } catch (IOException e) {
      return fail("stdout is not JSON: %s%n%s", e.getMessage(), r.describe());
    }
  }

  /** Asserts a refusal: exit status and {@code reason} in the JSON. */
  static JsonNode assertRefused(OpensslPki.Result r, int exit, String reason) {
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(exit);
    JsonNode j = json(r);
    assertThat(j.path("reason").asText()).as(r.describe()).isEqualTo(reason);
    return j;
  }
}
