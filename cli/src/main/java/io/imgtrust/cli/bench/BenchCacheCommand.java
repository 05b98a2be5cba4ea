package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code imgtrust bench cache}: {@code imgtrust cache verify} of one entry against sha256sum and openssl. */
@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "Time `imgtrust cache verify` of one entry (whole command, JVM start included) against "
        + "`sha256sum` and `openssl dgst -sha256` of the same file, side by side; print medians and ratios.")
final class BenchCacheCommand extends BenchPart {
  @Override
  BenchReport measure(Path d) throws Exception {
    Path image = d.resolve("image.raw");
    BenchVerifyCommand.writeRandom(image, opts.sizeBytes());
    Path config = BenchOptions.config(d, "imgtrust.conf", "");
    CacheEntry e = BenchOptions.fillCache(ImageCache.open(ConfigLoader.load(config)), image, "bench-cache");
    List<String> verify = new ArrayList<>(BenchVerifyCommand.launcher());
    verify.addAll(List.of("--config", config.toString(), "cache", "verify", "bench-cache"));
    Timings t = new Timings()
        .add("imgtrust cache verify", verify)
        .add("sha256sum", List.of("sha256sum", e.file().toString()))
        .add("openssl dgst -sha256", List.of("openssl", "dgst", "-sha256", e.file().toString()));
    t.run(opts.runs);
    ObjectNode header = opts.header("cache");
    BenchReport r = new BenchReport("bench cache: " + opts.sizeMib + " MiB entry, medians of " + opts.runs
        + " side-by-side rounds, whole commands", t, header)
        .ratio("imgtrust cache verify", "sha256sum", 0.35)
        .ratio("imgtrust cache verify", "openssl dgst -sha256", 0.6);
    return r;
  }
}
