package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.Root;
import io.imgtrust.core.config.ImgtrustConfig;
import io.imgtrust.core.metadata.GlanceMetadata;
import io.imgtrust.core.metadata.ImageMetadata;
import io.imgtrust.core.trust.TrustedSigner;
import io.imgtrust.core.verify.ImageVerifier;
import io.imgtrust.core.verify.VerificationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust verify FILE --meta IMAGE.json}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {
        "Check FILE against its Glance image metadata: size, the multihash (os_hash_value; the md5 checksum only "
            + "when there is no multihash) and, when the image is signed, the signature by a certificate that "
            + "chains to a trusted root. Everything is computed in one read of FILE.",
        "A signature that is present is always checked; with [verification] verify_signatures = true an unsigned "
            + "image is refused."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {" 0:the image verified", " 2:usage error, malformed metadata, unreadable file",
        " 3:refused: DIGEST_MISMATCH, SIZE_MISMATCH, SIGNATURE_INVALID, SIGNATURE_MISSING, CERT_NOT_FOUND, "
            + "CERT_EXPIRED, CERT_NOT_YET_VALID, CERT_UNTRUSTED, KEY_TYPE_MISMATCH, UNVERIFIABLE",
        " 4:host failure (I/O)", " 1:anything unexpected"})
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand Root root;

  @Parameters(index = "0", paramLabel = "FILE", description = "The image file to check.")
  Path file;

  @Option(names = "--meta", required = true, paramLabel = "IMAGE.json",
      description = "Glance image JSON, as `openstack image show -f json` or GET /v2/images/{id} prints it.")
  Path meta;

  @Override
  public Integer call() throws Exception {
    ImgtrustConfig config = root.loadConfig();
    ImageMetadata metadata = GlanceMetadata.read(meta);
    VerificationReport report = ImageVerifier.fromConfig(config).verify(file, metadata);
    root.output().success(json(report), text(report));
    return 0;
  }

  static ObjectNode json(VerificationReport r) {
    ObjectNode o = Output.ok().put("image_id", r.imageId()).put("size", r.size())
        .put("bytes_hashed", r.bytesHashed());
    ArrayNode digests = o.putArray("digests");
    for (VerificationReport.DigestCheck d : r.digestChecks()) {
      digests.addObject().put("algorithm", d.algorithm().glanceName()).put("field", d.field())
          .put("value", d.value()).put("ok", true);
    }
    if (r.signature().isEmpty()) {
      o.putNull("signature");
    } else {
      VerificationReport.SignatureCheck s = r.signature().get();
      TrustedSigner t = s.signer();
      ObjectNode so = o.putObject("signature").put("verified", true)
          .put("key_type", s.properties().keyType().glanceName())
          .put("hash_method", s.properties().hashMethod().signatureName().orElseThrow())
          .put("certificate_id", t.certificateId()).put("signer_subject", t.subject())
          .put("signer_fingerprint_sha256", t.fingerprint())
          .put("signer_not_after", t.notAfter().toString());
      t.path().forEach(so.putArray("path")::add);
      so.putObject("trust_anchor").put("subject", t.anchorSubject())
          .put("fingerprint_sha256", t.anchorFingerprint());
    }
    return o;
  }

  static List<String> text(VerificationReport r) {
    List<String> lines = new ArrayList<>();
    lines.add("OK image " + r.imageId() + " (" + r.size() + " bytes, " + r.bytesHashed() + " hashed)");
    for (VerificationReport.DigestCheck d : r.digestChecks()) {
      lines.add("  " + d.algorithm().glanceName() + " matches " + d.field());
    }
    if (r.signature().isPresent()) {
      VerificationReport.SignatureCheck s = r.signature().get();
      lines.add("  signature " + s.properties().keyType().glanceName() + "/"
          + s.properties().hashMethod().signatureName().orElseThrow() + " by " + s.signer().subject());
      lines.add("  signer sha256 " + s.signer().fingerprint());
      lines.add("  trusted via " + s.signer().anchorSubject());
    } else {
      lines.add("  not signed");
    }
    return lines;
  }
}
