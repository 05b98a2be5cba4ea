package io.imgtrust.core.verify;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.config.Key;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.digest.ImageDigests;
import io.imgtrust.core.digest.ImageSink;
import io.imgtrust.core.io.FileSink;
import io.imgtrust.core.io.ImageSource;
import io.imgtrust.core.io.SourceFailure;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.signature.SignatureVerifier;
import io.imgtrust.core.trust.TrustStore;
import io.imgtrust.core.trust.TrustedSigner;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Decides whether a file is the image its Glance metadata describes: size, the expected digest (the multihash, or
 * the md5 {@code checksum} when there is none, as Glance's client does) and, when the image is signed, the signature
 * by a trusted certificate. All digests come from one read of the file; the signing certificate is validated while
 * the file is being hashed.
 *
 * <p>A signature that is present is always verified. With {@code verify_signatures = true} an unsigned image is
 * refused ({@code SIGNATURE_MISSING}); an image with neither a digest nor a signature is refused
 * ({@code UNVERIFIABLE}). Thread-safe.
 */
public final class ImageVerifier {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ImageVerifier.class);

  /** Source of the trust store, loaded only for signed images. */
  @FunctionalInterface
  public interface TrustSource {
    TrustStore load() throws ImageTrustException;
  }

  private final boolean requireSignature;
  private final TrustSource trust;
  private final ImageDigester digester;
  private final Clock clock;

  private ImageVerifier(boolean requireSignature, TrustSource trust, ImageDigester digester, Clock clock) {
    this.requireSignature = requireSignature;
    this.trust = trust;
    this.digester = digester;
    this.clock = clock;
  }

  /** A verifier with the policy and trust settings of {@code config}. */
  public static ImageVerifier fromConfig(ImgtrustConfig config) {
    return create(config.bool(Key.VERIFY_SIGNATURES), trustSource(config), ImageDigester.create(),
        Clock.systemUTC());
  }

  /** The trust store {@code config} names, loaded on each call. */
  public static TrustSource trustSource(ImgtrustConfig config) {
    return () -> TrustStore.load(config.path(Key.CERTIFICATES_DIR), Optional.of(config.path(Key.TRUSTED_CERTS_DIR)),
        config.list(Key.TRUSTED_CERTIFICATE_IDS));
  }

  /** A verifier from its parts (tests use a fixed clock). */
  public static ImageVerifier create(boolean requireSignature, TrustSource trust, ImageDigester digester,
      Clock clock) {
    return new ImageVerifier(requireSignature, trust, digester, clock);
  }

  /** Verifies {@code file} against {@code meta}. */
  public VerificationReport verify(Path file, ImageMetadata meta) throws ImageTrustException {
    return verify(file, meta, DigestPlan.of(java.util.Set.of()));
  }

  /** Verifies, and also computes the digests of {@code extra} (e.g. chunk leaves) in the same read. */
  public VerificationReport verify(Path file, ImageMetadata meta, DigestPlan extra) throws ImageTrustException {
    checkSize(file, meta.size(), size(file));
    return verify(meta, extra, plan -> digester.digest(file, plan), file.toString());
  }

  /**
   * Verifies {@code source} while copying it to {@code target} (created new, mode 0600, sparse: all-zero blocks and
   * holes of the source are left as holes), in one read, and fsyncs it. On any failure {@code target} is removed.
   * The caller renames {@code target}.
   */
  public VerificationReport verifyCopy(Path source, ImageMetadata meta, DigestPlan extra, Path target)
      throws ImageTrustException {
    return verifyCopy(source, meta, extra, target, io.imgtrust.core.digest.CopyProgress.NONE);
  }

  /** Like {@link #verifyCopy(Path, ImageMetadata, DigestPlan, Path)}, reporting progress. */
  public VerificationReport verifyCopy(Path source, ImageMetadata meta, DigestPlan extra, Path target,
      io.imgtrust.core.digest.CopyProgress progress) throws ImageTrustException {
    checkSize(source, meta.size(), size(source));
    return copyVerified(meta, extra, target, source.toString(),
        (plan, sink) -> digester.digestInto(source, plan, sink, progress, meta.size()));
  }

  /**
   * Verifies the bytes of {@code source} (a download) while copying them to {@code target} (created new, mode 0600),
   * in one read: every digest and the signature are computed as the bytes arrive. On any failure {@code target} is
   * removed; a {@link SourceFailure} of the source is rethrown as the typed error it carries.
   */
  public VerificationReport verifyCopy(ImageSource source, ImageMetadata meta, DigestPlan extra, Path target,
      io.imgtrust.core.digest.CopyProgress progress) throws ImageTrustException {
    return copyVerified(meta, extra, target, source.describe(), (plan, sink) -> {
      try (ReadableByteChannel in = open(source)) {
        return digester.digestInto(in, plan, sink, progress, meta.size());
      }
    });
  }

  /**
   * Verifies the bytes of {@code source} while writing them into {@code sink} (all-zero blocks of
   * {@link ImageSink#zeroBlockSize} are not written), in one read. The sink is not finished, and on a failure it is
   * left as it is: the caller removes what it wrote (e.g. a temporary RBD image). A {@link SourceFailure} of the
   * source is rethrown as the typed error it carries.
   *
   * @throws ImageTrustException {@code DIGEST_MISMATCH}, {@code SIZE_MISMATCH}, a signature or trust refusal, or
   *     {@code IO_ERROR}
   */
  public VerificationReport verifyInto(ImageSource source, ImageMetadata meta, DigestPlan extra, ImageSink sink,
      io.imgtrust.core.digest.CopyProgress progress) throws ImageTrustException {
    return verify(meta, extra, plan -> {
      try (ReadableByteChannel in = open(source)) {
        return digester.digestInto(in, plan, sink, progress, meta.size());
      }
    }, source.describe());
  }

  /** Reads the image once, computing a plan's digests and writing the bytes into a sink. */
  @FunctionalInterface
  private interface CopyRun {
    ImageDigests run(DigestPlan plan, FileSink sink) throws IOException;
  }

  private static ReadableByteChannel open(ImageSource source) throws SourceFailure {
    try {
      return source.open();
    } catch (ImageTrustException e) {
      throw new SourceFailure(e);
    }
  }

  private VerificationReport copyVerified(ImageMetadata meta, DigestPlan extra, Path target, String what,
      CopyRun copy) throws ImageTrustException {
    FileSink out;
    try {
      out = FileSink.create(target);
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot create " + target + ": " + IoErrors.describe(e), e);
    }
    try (FileSink o = out) {
      VerificationReport r = verify(meta, extra, plan -> copy.run(plan, o), what);
      o.finish(r.digests().bytesHashed());
      return r;
    } catch (IOException e) {
      deleteQuietly(target);
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot copy " + what + " to " + target + ": "
          + IoErrors.describe(e), e);
    } catch (ImageTrustException | RuntimeException e) {
      deleteQuietly(target);
      throw e;
    }
  }

  /** Reads the image once, computing a plan's digests. */
  @FunctionalInterface
  private interface DigestRun {
    ImageDigests run(DigestPlan plan) throws IOException;
  }

  private VerificationReport verify(ImageMetadata meta, DigestPlan extra, DigestRun read, String what)
      throws ImageTrustException {
    Optional<SignatureProperties> sig = meta.signature();
    if (sig.isEmpty() && requireSignature) {
      throw ImageTrustException.of(Reason.SIGNATURE_MISSING,
          "image " + meta.id() + " is not signed and verify_signatures = true");
    }
    if (sig.isEmpty() && meta.expectedDigest().isEmpty()) {
      throw ImageTrustException.of(Reason.UNVERIFIABLE,
          "image " + meta.id() + " has no checksum, os_hash_value or signature to verify against");
    }
    DigestPlan plan = extra;
    if (meta.expectedDigest().isPresent()) {
      plan = plan.plus(meta.expectedDigest().get().algorithm());
    }
    if (sig.isPresent()) {
      plan = plan.plus(sig.get().hashMethod());
    }
    CompletableFuture<TrustedSigner> signer = sig.isPresent() ? resolveAsync(sig.get()) : null;
    long t0 = System.nanoTime();
    ImageDigests digests;
    try {
      digests = read.run(plan);
    } catch (SourceFailure e) {
      throw e.failure();
    } catch (IOException e) {
      throw ImageTrustException.wrap(Reason.IO_ERROR, "cannot read " + what + ": " + IoErrors.describe(e), e);
    }
    long ms = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
    log.info("image {}: hashed {} bytes ({}) in {} ms, {} MiB/s", meta.id(), digests.bytesHashed(),
        plan.describe(), ms, (digests.bytesHashed() >> 20) * 1000 / ms);
    checkSize(Path.of(what), meta.size(), digests.bytesHashed());
    ImmutableList<VerificationReport.DigestCheck> checks = checkDigest(meta, digests);
    Optional<VerificationReport.SignatureCheck> sigCheck = Optional.empty();
    if (sig.isPresent()) {
      TrustedSigner s = join(signer);
      SignatureVerifier.verify(sig.get(), digests.whole(sig.get().hashMethod()).orElseThrow(), s);
      sigCheck = Optional.of(new VerificationReport.SignatureCheck(sig.get(), s));
    }
    return new VerificationReport(meta.id(), meta.size(), checks, sigCheck, digests);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", p, IoErrors.describe(e));
    }
  }

  private CompletableFuture<TrustedSigner> resolveAsync(SignatureProperties sig) {
    CompletableFuture<TrustedSigner> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(trust.load().signer(sig.certificateId(), clock.instant()));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "imgtrust-trust");
    t.setDaemon(true);
    t.start();
    return f;
  }

  private static TrustedSigner join(CompletableFuture<TrustedSigner> f) throws ImageTrustException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ImageTrustException.wrap(Reason.INTERNAL, "interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ImageTrustException) {
        throw (ImageTrustException) e.getCause();
      }
      throw new IllegalStateException("certificate validation failed unexpectedly", e.getCause());
    }
  }

  private static long size(Path file) throws ImageTrustException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw ImageTrustException.of(Reason.FILE_UNREADABLE, file + " is not a regular file");
      }
      return a.size();
    } catch (IOException e) {
      throw IoErrors.unreadable(file.toString(), e);
    }
  }

  private static void checkSize(Path file, long expected, long actual) throws ImageTrustException {
    if (expected != actual) {
      throw ImageTrustException.of(Reason.SIZE_MISMATCH,
          file + " has " + actual + " bytes, the image has " + expected,
          ImmutableMap.of("expected", expected, "actual", actual));
    }
  }

  private static ImmutableList<VerificationReport.DigestCheck> checkDigest(ImageMetadata meta, ImageDigests d)
      throws ImageTrustException {
    if (meta.expectedDigest().isEmpty()) {
      return ImmutableList.of();
    }
    ImageMetadata.Digest want = meta.expectedDigest().get();
    HashCode got = d.whole(want.algorithm()).orElseThrow();
    String field = meta.multihash().isPresent() ? "os_hash_value" : "checksum";
    if (!MessageDigest.isEqual(got.asBytes(), want.value())) {
      throw ImageTrustException.of(Reason.DIGEST_MISMATCH,
          want.algorithm().glanceName() + " of the file does not match " + field,
          ImmutableMap.of("algorithm", want.algorithm().glanceName(), "field", field,
              "expected", HashCode.fromBytes(want.value()).toString(), "actual", got.toString()));
    }
    return ImmutableList.of(new VerificationReport.DigestCheck(want.algorithm(), field, got.toString()));
  }
}
