package io.imgtrust.core.digest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableSet;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host where JNA cannot load (e.g. noexec where it unpacks): large files are still digested, by plain reads. */
class NoNativeBridgeTest {
  /** Run in a JVM where JNA cannot load: preload (as the start-up warm thread does), then digest args[0]. */
  public static void main(String[] args) throws Exception {
    ImageDigester.preload();
    System.out.print(ImageDigester.create().digest(Path.of(args[0]), plan()).whole(HashAlgorithm.SHA256).get());
  }

  private static DigestPlan plan() {
    return DigestPlan.withChunks(ImmutableSet.of(HashAlgorithm.SHA256));
  }

  @Test
  void digest_jnaCannotLoadAfterAPreload_largeFileReadPlainSameDigest(@TempDir Path dir) throws Exception {
    int chunks = (int) (Holes.MIN_SIZE / DigestPlan.CHUNK_SIZE) + 1;
    Path f = HolesTest.sparse(dir.resolve("f"), chunks, 1);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Djna.nosys=true", "-Djna.noclasspath=true",
        "-Djna.nounpack=true", "-cp", System.getProperty("java.class.path"), NoNativeBridgeTest.class.getName(),
        f.toString())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo(ImageDigester.create().digest(f, plan()).whole(HashAlgorithm.SHA256).get().toString());
  }
}
