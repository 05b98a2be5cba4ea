package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imgtrust demo} as the README runs it: the real launcher, a clean directory, every backend. */
class DemoIT {
  @TempDir Path dir;

  private static List<String> steps(JsonNode j) {
    List<String> out = new ArrayList<>();
    j.get("steps").forEach(s -> out.add(s.asText()));
    return out;
  }

  @Test
  void demo_asRoot_everyStepReportedAndQcow2Booted() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    OpensslPki.Result r = OpensslPki.run(List.of(Launcher.locate().toString(), "--json", "demo", "--dir",
        dir.resolve("demo").toString(), "--size-mib", "16"));

    assertThat(r.exitCode()).as(r.describe()).isZero();
    List<String> steps = steps(Launcher.json(r));
    assertThat(steps).anyMatch(s -> s.startsWith("spawn flat")).anyMatch(s -> s.startsWith("spawn qcow2"))
        .anyMatch(s -> s.startsWith("spawn ploop"));
    assertThat(steps).anyMatch(s -> s.startsWith("boot qcow2: domain") && s.contains("running"));
    assertThat(steps.stream().filter(s -> s.contains("refused: DIGEST_MISMATCH"))).hasSize(3);
    assertThat(steps.stream().filter(s -> s.contains("works again"))).hasSize(3);
  }

  @Test
  void demo_asUnprivilegedUser_exitsZeroWithoutBooting() throws Exception {
    // World-writable like /tmp, and sticky like /tmp: strict modes refuse a cache below a non-sticky one.
    Files.setAttribute(dir, "unix:mode", 01777);
    assertThat(OpensslPki.run(List.of(Launcher.locate().toString(), "--version")).exitCode()).isZero();
    OpensslPki.Result r = OpensslPki.run(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
        "--reset-env", Launcher.locate().toString(), "--json", "demo", "--dir", dir.resolve("demo").toString(),
        "--size-mib", "8"));

    assertThat(r.exitCode()).as(r.describe()).isZero();
    List<String> steps = steps(Launcher.json(r));
    assertThat(steps).anyMatch(s -> s.startsWith("spawn ploop"));
    assertThat(steps).noneMatch(s -> s.startsWith("boot qcow2: domain"));
    assertThat(steps.stream().filter(s -> s.contains("works again"))).hasSize(3);
  }
}
