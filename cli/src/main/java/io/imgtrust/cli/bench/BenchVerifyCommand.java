package io.imgtrust.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.imgtrust.cli.demo.DemoPki;
import io.imgtrust.cli.demo.Glance;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.signature.ImageSigner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;

/**
 * {@code imgtrust bench verify}: whole {@code imgtrust verify} commands (JVM start included) against
 * {@code openssl dgst} and coreutils on the same generated file.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Time `imgtrust verify` (whole command, JVM start included) against openssl dgst and "
        + "sha512sum + sha256sum on one generated file, side by side; print medians and ratios against the goals.",
        "Needs openssl and coreutils. Uses about SIZE of disk in a temporary directory, removed afterwards."})
final class BenchVerifyCommand extends BenchPart {
  @Override
  BenchReport measure(Path d) throws Exception {
    Path image = d.resolve("image.raw");
    writeRandom(image, opts.sizeBytes());
    Fixture f = Fixture.create(d, image);
    List<String> it = launcher();
    Timings t = new Timings()
        .add("imgtrust verify: signature only", verify(it, f, "sig"))
        .add("openssl dgst -sha256", List.of("openssl", "dgst", "-sha256", image.toString()))
        .add("imgtrust verify: sha512 multihash + signature", verify(it, f, "mh512-sig"))
        .add("openssl dgst -sha512", List.of("openssl", "dgst", "-sha512", image.toString()))
        .addSequence("sha512sum; sha256sum", List.of(List.of("sha512sum", image.toString()),
            List.of("sha256sum", image.toString())))
        .add("imgtrust verify: sha256 multihash only", verify(it, f, "mh256"))
        .add("imgtrust verify: sha256 multihash + signature", verify(it, f, "mh256-sig"));
    t.run(opts.runs);
    ObjectNode header = opts.header("verify");
    BenchReport r = new BenchReport("bench verify: " + opts.sizeMib + " MiB file, medians of " + opts.runs
        + " side-by-side rounds, whole commands", t, header)
        .ratio("imgtrust verify: signature only", "openssl dgst -sha256", 1.0)
        .ratio("imgtrust verify: sha512 multihash + signature", "openssl dgst -sha512", 1.05)
        .ratio("imgtrust verify: sha512 multihash + signature", "sha512sum; sha256sum", 0.5)
        .ratio("imgtrust verify: sha256 multihash + signature", "imgtrust verify: sha256 multihash only", 1.05);
    return r;
  }

  private static List<String> verify(List<String> launcher, Fixture f, String meta) {
    List<String> argv = new ArrayList<>(launcher);
    argv.addAll(List.of("--config", f.config.toString(), "verify", f.image.toString(), "--meta",
        f.dir.resolve(meta + ".json").toString()));
    return argv;
  }

  /** How to start imgtrust as an operator would: the launcher script when known, else this jar. */
  static List<String> launcher() {
    java.util.Optional<Path> script = io.imgtrust.cli.command.HookScript.launcher();
    if (script.isPresent()) {
      return ImmutableList.of(script.get().toString());
    }
    String jar = BenchVerifyCommand.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    return ImmutableList.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar);
  }

  /** Writes {@code size} bytes: one random MiB in every 16, zeros elsewhere. */
  static void writeMostlyZero(Path file, long size) throws IOException {
    SplittableRandom r = new SplittableRandom(2027);
    byte[] data = new byte[1 << 20];
    byte[] zero = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long mib = 0, left = size; left > 0; left -= data.length, mib++) {
        if (mib % 16 == 0) {
          r.nextBytes(data);
        }
        out.write(mib % 16 == 0 ? data : zero, 0, (int) Math.min(left, data.length));
      }
    }
  }

  static void writeRandom(Path file, long size) throws IOException {
    SplittableRandom r = new SplittableRandom(2026);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.capacity()) {
        buf.clear();
        while (buf.hasRemaining()) {
          buf.putLong(r.nextLong());
        }
        out.write(buf.array(), 0, (int) Math.min(left, buf.capacity()));
      }
    }
  }

  /** A PKI, a config and the metadata variants for one image. */
  private static final class Fixture {
    final Path dir;
    final Path image;
    final Path config;

    private Fixture(Path dir, Path image, Path config) {
      this.dir = dir;
      this.image = image;
      this.config = config;
    }

    static Fixture create(Path d, Path image) throws Exception {
      Path certs = Files.createDirectories(d.resolve("certs"));
      Path trusted = Files.createDirectories(d.resolve("trusted"));
      DemoPki pki = DemoPki.create();
      pki.writeRoot(trusted.resolve("root.pem"));
      pki.writeSigningCertificate(certs.resolve("bench-cert.pem"));
      pki.writeSigningKey(d.resolve("key.pem"));
      ImageDigests digests = ImageDigester.create().digest(image,
          DigestPlan.of(ImmutableSet.of(HashAlgorithm.SHA256, HashAlgorithm.SHA512)));
      SignatureProperties sig = ImageSigner.fromPem(d.resolve("key.pem"))
          .sign(digests.whole(HashAlgorithm.SHA256).orElseThrow(), HashAlgorithm.SHA256, "bench-cert");
      long size = Files.size(image);
      Glance.write(d.resolve("sig.json"), Glance.image("bench", size).signature(sig));
      Glance.write(d.resolve("mh512-sig.json"),
          Glance.image("bench", size).multihash(digests, HashAlgorithm.SHA512).signature(sig));
      Glance.write(d.resolve("mh256.json"), Glance.image("bench", size).multihash(digests, HashAlgorithm.SHA256));
      Glance.write(d.resolve("mh256-sig.json"),
          Glance.image("bench", size).multihash(digests, HashAlgorithm.SHA256).signature(sig));
      Path config = d.resolve("imgtrust.conf");
      Files.writeString(config, "[verification]\ncertificates_dir = " + certs + "\ntrusted_certs_dir = " + trusted
          + "\n");
      return new Fixture(d, image, config);
    }
  }
}
