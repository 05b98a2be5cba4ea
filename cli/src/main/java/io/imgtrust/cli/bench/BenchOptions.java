package io.imgtrust.cli.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every benchmark takes, and its work directory (removed afterwards unless given). */
final class BenchOptions {
  @Option(names = "--size-mib", defaultValue = "1024", description = "Image size (default: ${DEFAULT-VALUE}).")
  int sizeMib;

  @Option(names = "--runs", defaultValue = "5", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--dir", converter = io.imgtrust.cli.AbsolutePath.class,
      description = "Work directory (default: a new one under /var/tmp, removed after).")
  Path dir;

  /** Work done in a benchmark's directory. */
  interface Work<T> {
    T run(Path dir) throws Exception;
  }

  /** Runs {@code work} in the work directory, removing a directory it made itself afterwards. */
  <T> T inWorkDir(Work<T> work) throws Exception {
    Path d = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory(Path.of("/var/tmp"), "bench-");
    try {
      return work.run(d);
    } finally {
      if (dir == null) {
        MoreFiles.deleteRecursively(d, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
  }

  /** Writes a config for a benchmark in {@code d}: instances and host key inside it, plus {@code verification}. */
  static Path config(Path d, String name, String verification) throws java.io.IOException {
    return Files.writeString(d.resolve(name), "[DEFAULT]\ninstances_path = " + d.resolve("instances")
        + "\n[image_cache]\nimmutable_files = false\n[verification]\nhost_key_file = " + d.resolve("host.key") + "\n" + verification);
  }

  /** Fills {@code cache} with the raw image {@code src} as image {@code id} (sha256 multihash), then deletes it. */
  static io.imgtrust.core.cache.CacheEntry fillCache(io.imgtrust.core.cache.ImageCache cache, Path src, String id)
      throws Exception {
    var sha256 = io.imgtrust.core.metadata.HashAlgorithm.SHA256;
    var d = io.imgtrust.core.digest.ImageDigester.create().digest(src,
        io.imgtrust.core.digest.DigestPlan.of(java.util.Set.of(sha256)));
    var meta = io.imgtrust.core.metadata.ImageMetadata.builder().id(id).diskFormat("raw").size(Files.size(src))
        .multihash(io.imgtrust.core.metadata.ImageMetadata.Digest.of(sha256,
            d.whole(sha256).orElseThrow().asBytes())).build();
    var e = cache.add(src, meta);
    Files.delete(src);
    return e;
  }

  /** Writes a {@code random} or {@code mostly-zero} image of {@code --size-mib} in {@code d} and fills the cache. */
  io.imgtrust.core.cache.CacheEntry fill(io.imgtrust.core.cache.ImageCache cache, Path d, String kind)
      throws Exception {
    Path src = d.resolve(kind + ".raw");
    if (kind.equals("random")) {
      BenchVerifyCommand.writeRandom(src, sizeBytes());
    } else {
      BenchVerifyCommand.writeMostlyZero(src, sizeBytes());
    }
    return fillCache(cache, src, "bench-" + kind);
  }

  /** The JSON header of benchmark {@code name}: its size, rounds and this machine's cores. */
  com.fasterxml.jackson.databind.node.ObjectNode header(String name) {
    return io.imgtrust.cli.Output.ok().put("benchmark", name).put("size_mib", sizeMib).put("runs", runs)
        .put("cores", Runtime.getRuntime().availableProcessors());
  }

  long sizeBytes() {
    return (long) sizeMib << 20;
  }
}
