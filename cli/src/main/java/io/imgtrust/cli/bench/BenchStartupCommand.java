package io.imgtrust.cli.bench;

import com.google.common.collect.ImmutableSet;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.demo.Glance;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code imgtrust bench startup}: JVM start-up of imgtrust against the bare JVM. */
@Command(name = "startup", mixinStandardHelpOptions = true,
    description = "Time `imgtrust --help` and `imgtrust verify` of a one-byte image (process start to the first "
        + "hashed byte, and the whole check) against `java -Xshare:auto -version`, side by side (SIZE is unused).")
final class BenchStartupCommand extends BenchPart {
  static final String JAVA = "java -Xshare:auto -version";
  static final String HELP = "imgtrust --help";
  static final String FIRST_BYTE = "imgtrust verify, 1-byte image (start to first hashed byte)";

  @Override
  BenchReport measure(Path d) throws Exception {
    Path image = Files.write(d.resolve("tiny.raw"), new byte[] {42});
    Path meta = d.resolve("tiny.json");
    Glance.write(meta, Glance.image("tiny", 1).multihash(ImageDigester.create().digest(image,
        DigestPlan.of(ImmutableSet.of(HashAlgorithm.SHA256))), HashAlgorithm.SHA256));
    Path config = BenchOptions.config(d, "imgtrust.conf", "");
    List<String> help = new ArrayList<>(BenchVerifyCommand.launcher());
    help.add("--help");
    List<String> verify = new ArrayList<>(BenchVerifyCommand.launcher());
    verify.addAll(List.of("--config", config.toString(), "verify", image.toString(), "--meta", meta.toString()));
    Timings t = new Timings()
        .add(JAVA, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
            "-version"))
        .add(HELP, help)
        .add(FIRST_BYTE, verify);
    t.run(opts.runs);
    return new BenchReport("bench startup: medians of " + opts.runs + " side-by-side rounds", t,
        Output.ok().put("benchmark", "startup").put("runs", opts.runs))
        .ratio(HELP, JAVA, 3.0)
        .ratio(FIRST_BYTE, JAVA, 3.0);
  }
}
