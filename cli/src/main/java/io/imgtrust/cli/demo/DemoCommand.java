package io.imgtrust.cli.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.Root;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.cache.CacheEntry;
import io.imgtrust.core.cache.ImageCache;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.signature.ImageSigner;
import io.imgtrust.core.verify.ImageVerifier;
import io.imgtrust.core.verify.VerificationReport;
import io.imgtrust.host.ImgtrustHost;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code imgtrust demo}: the story on the embedded default, in a fresh directory, as any user. It makes a test CA
 * and signing certificate, an image, signs it, writes its Glance metadata, verifies it, then flips one byte and
 * shows the refusal.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole story in a fresh directory: make a test CA and signing certificate, an image, "
        + "sign it, write its Glance metadata and a config, verify it, flip one byte and show the refusal; fill "
        + "the cache (with --glance: fetch it from Glance, verified while downloading, after a copy rotten in "
        + "Glance's store was refused), recheck it, rot one bit of the cache file and show the quarantine and the "
        + "refill; spawn through flat, qcow2, ploop, and lvm and rbd when --lvm-vg and --ceph-conf are given (and "
        + "boot the qcow2 instance where libvirtd is reachable; as root, also through the real libvirt hook); rot "
        + "the base again and show each backend refusing it, and the refill; with Ceph, two host configurations "
        + "share one verified base in rbd clone mode.",
        "Without options it needs no root, no network and no services; scripts/run-demo.sh starts them as root. "
            + "Exit 0 when every step behaved as expected."})
public final class DemoCommand implements Callable<Integer> {
  @ParentCommand Root root;

  @Option(names = "--dir", paramLabel = "DIR", converter = io.imgtrust.cli.AbsolutePath.class,
      description = "Work here (must not exist yet, or be empty). Default: a new directory under /tmp.")
  Path dir;

  @Option(names = "--size-mib", paramLabel = "MiB", defaultValue = "64",
      description = "Size of the demo image (default: ${DEFAULT-VALUE}).")
  int sizeMib;

  @Option(names = "--no-boot", description = "Do not boot the qcow2 instance even where libvirtd is reachable.")
  boolean noBoot;

  @Option(names = "--no-backends", description = "Stop after the cache story (no spawns; needs no qemu-img).")
  boolean noBackends;

  @Mixin DemoServices services;

  private DemoConfig configs;

  private final List<String> steps = new ArrayList<>();
  private PrintStream say = System.out;

  @Override
  public Integer call() throws Exception {
    if (root.json()) {
      say = new PrintStream(java.io.OutputStream.nullOutputStream());
    }
    Path d = workDir();
    Path image = d.resolve("image.raw");
    Path meta = d.resolve("image.json");
    ImgtrustConfig config = setUp(d, image, meta);
    VerificationReport ok = ImageVerifier.fromConfig(config).verify(image, GlanceMetadata.read(meta));
    step("verify: OK, " + ok.bytesHashed() + " bytes hashed once; sha512 matches os_hash_value; RSA-PSS/SHA-256 "
        + "signature by '" + ok.signature().orElseThrow().signer().subject() + "' trusted via '"
        + ok.signature().get().signer().anchorSubject() + "'");
    Path tampered = d.resolve("image-tampered.raw");
    Files.copy(image, tampered);
    long offset = flipByte(tampered);
    step("tamper: flipped one byte at offset " + offset + " of a copy of the download");
    ImageTrustException refused = expectRefusal(config, tampered, meta);
    step("verify tampered copy: refused with " + refused.reason() + " (exit " + refused.reason().exitCode()
        + "): " + refused.getMessage());
    cacheStory(config, image, GlanceMetadata.read(meta));
    services.skipped().forEach(why -> step("skipped: " + why));
    ObjectNode o = Output.ok().put("dir", d.toString());
    steps.forEach(o.putArray("steps")::add);
    root.output().success(o, List.of("demo OK; files are in " + d));
    return 0;
  }

  private void cacheStory(ImgtrustConfig config, Path image, ImageMetadata meta) throws Exception {
    try (ImgtrustHost host = ImgtrustHost.open(config)) {
      cacheStory(host, image, meta);
    }
  }

  private void cacheStory(ImgtrustHost host, Path image, ImageMetadata meta) throws Exception {
    ImageCache cache = host.cache();
    CacheEntry e = services.glance == null ? cache.add(image, meta)
        : new DemoGlanceStory(host, services, this::step).fetch(image, meta);
    step("cache " + (services.glance == null ? "add" : "fetch") + ": " + e.file() + " filled (verified while "
        + "copied), read-only, record sealed with the host key");
    step("cache verify: OK, " + cache.verify(meta.id()).bytesHashed() + " bytes rechecked chunk by chunk");
    long offset = rot(e.file());
    step("bit rot: one bit flipped at offset " + offset + " of the cache file (size and mtime unchanged)");
    try {
      cache.verify(meta.id());
      throw ImageTrustException.of(Reason.INTERNAL, "the rotten cache file was not refused");
    } catch (ImageTrustException x) {
      if (x.reason() != Reason.DIGEST_MISMATCH) {
        throw x;
      }
      step("cache verify: refused with DIGEST_MISMATCH at chunk " + x.details().get("chunk") + "; moved to "
          + cache.quarantined().get(cache.quarantined().size() - 1).getParent() + " with a JSON reason");
    }
    cache.add(image, meta);
    step("cache add again: refilled from the download; cache verify OK, " + cache.verify(meta.id()).bytesHashed()
        + " bytes");
    if (!noBackends) {
      boolean boot = !noBoot && libvirtReachable();
      new DemoBackends(host, image, meta, this::step).run(services.backends(), boot);
      if (boot) {
        hookStory(host, image, meta);
      }
      if (services.cephConf != null) {
        new DemoRbdClone(configs, image, meta, this::step).run();
      }
    }
  }

  private void hookStory(ImgtrustHost host, Path image, ImageMetadata meta) throws Exception {
    java.util.Optional<DemoHook> hook = DemoHook.install(configs.file(""), this::step);
    if (hook.isPresent()) {
      try (DemoHook h = hook.get()) {
        h.run(host, image, meta, configs.file("").getParent());
      }
    }
  }

  private static boolean libvirtReachable() {
    return java.nio.file.Files.exists(Path.of("/var/run/libvirt/libvirt-sock"));
  }

  static long rot(Path file) throws IOException {
    var mtime = Files.getLastModifiedTime(file);
    var perms = Files.getPosixFilePermissions(file);
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    long offset = flipByte(file);
    Files.setPosixFilePermissions(file, perms);
    Files.setLastModifiedTime(file, mtime);
    return offset;
  }

  private ImgtrustConfig setUp(Path d, Path image, Path meta) throws Exception {
    Path certs = Files.createDirectories(d.resolve("certs"));
    Path trusted = Files.createDirectories(d.resolve("trusted"));
    DemoPki pki = DemoPki.create();
    String certId = UUID.randomUUID().toString();
    pki.writeRoot(trusted.resolve("demo-root.pem"));
    pki.writeSigningCertificate(certs.resolve(certId + ".pem"));
    pki.writeSigningKey(d.resolve("signing-key.pem"));
    step("pki: test root CA in " + trusted + ", signing certificate " + certId + " in " + certs);
    writeImage(image);
    ImageDigests digests = ImageDigester.create().digest(image,
        DigestPlan.of(ImmutableSet.of(HashAlgorithm.SHA512, HashAlgorithm.SHA256, HashAlgorithm.MD5)));
    SignatureProperties sig = ImageSigner.fromPem(d.resolve("signing-key.pem"))
        .sign(digests.whole(HashAlgorithm.SHA256).orElseThrow(), HashAlgorithm.SHA256, certId);
    step("image: " + image + " (" + sizeMib + " MiB), signed RSA-PSS/SHA-256 by imgtrust sign");
    writeMetadata(meta, Files.size(image), digests, sig);
    step("metadata: " + meta + " (Glance v2 image JSON with checksum, os_hash_value and img_signature*)");
    ImgtrustConfig config = (this.configs = new DemoConfig(d, certs, trusted, services)).write("", "import");
    step("config: " + configs.file(""));
    return config;
  }

  private void writeImage(Path image) throws IOException {
    Random r = new Random(42);
    byte[] block = new byte[1 << 20];
    try (var out = Files.newOutputStream(image)) {
      for (int i = 0; i < sizeMib; i++) {
        r.nextBytes(block);
        out.write(block);
      }
    }
  }

  private static void writeMetadata(Path meta, long size, ImageDigests d, SignatureProperties sig)
      throws IOException {
    String id = UUID.nameUUIDFromBytes(d.whole(HashAlgorithm.SHA512).orElseThrow().asBytes()).toString();
    Glance.write(meta, Glance.image(id, size).checksum(d).multihash(d, HashAlgorithm.SHA512).signature(sig));
  }

  static long flipByte(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long offset = f.length() / 2 + 12345;
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x01);
      return offset;
    }
  }

  private static ImageTrustException expectRefusal(ImgtrustConfig config, Path file, Path meta)
      throws ImageTrustException {
    try {
      ImageVerifier.fromConfig(config).verify(file, GlanceMetadata.read(meta));
    } catch (ImageTrustException e) {
      if (e.reason() == Reason.DIGEST_MISMATCH) {
        return e;
      }
      throw e;
    }
    throw ImageTrustException.of(Reason.INTERNAL, "the tampered image was not refused");
  }

  private Path workDir() throws IOException {
    if (dir == null) {
      // 0755: a booted qemu (another user) must reach the disks; secrets in it are 0600 themselves.
      return Files.createTempDirectory("imgtrust-demo-", java.nio.file.attribute.PosixFilePermissions
          .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    }
    Files.createDirectories(dir);
    try (var s = Files.list(dir)) {
      if (s.findAny().isPresent()) {
        throw new IOException(dir + " is not empty");
      }
    }
    return dir;
  }

  private void step(String line) {
    steps.add(line);
    say.println("* " + line);
  }
}
