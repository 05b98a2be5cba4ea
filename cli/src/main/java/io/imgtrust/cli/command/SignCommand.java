package io.imgtrust.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import com.google.common.hash.HashCode;
import io.imgtrust.cli.Output;
import io.imgtrust.cli.Root;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.IoErrors;
import io.imgtrust.core.Reason;
import io.imgtrust.core.digest.DigestPlan;
import io.imgtrust.core.digest.ImageDigester;
import io.imgtrust.core.metadata.HashAlgorithm;
import io.imgtrust.core.metadata.SignatureProperties;
import io.imgtrust.core.signature.ImageSigner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code imgtrust sign FILE --key KEY.pem --cert-id ID [--hash-method SHA-256]}. */
@Command(name = "sign", mixinStandardHelpOptions = true,
    description = {"Sign FILE the way Glance expects and print the four img_signature properties as JSON, ready "
        + "for `openstack image set --property`. RSA keys sign RSA-PSS (MGF1, maximum salt length); DSA and EC keys "
        + "(secp384r1, secp521r1, sect409k1, sect409r1, sect571k1, sect571r1) sign DER (r, s).",
        "The key file is read by this process; it never appears in argv of any other process."})
final class SignCommand implements Callable<Integer> {
  @ParentCommand Root root;

  @Parameters(index = "0", paramLabel = "FILE", description = "The image file to sign.")
  Path file;

  @Option(names = "--key", required = true, paramLabel = "KEY.pem", description = "Unencrypted PEM private key.")
  Path key;

  @Option(names = "--cert-id", required = true, paramLabel = "ID",
      description = "Id of the signing certificate (img_signature_certificate_uuid).")
  String certId;

  @Option(names = "--hash-method", paramLabel = "HASH", defaultValue = "SHA-256",
      description = "SHA-224, SHA-256, SHA-384 or SHA-512 (default: ${DEFAULT-VALUE}).")
  String hashMethod;

  @Override
  public Integer call() throws Exception {
    HashAlgorithm hash = HashAlgorithm.forSignature(hashMethod).orElseThrow(() ->
        ImageTrustException.of(Reason.USAGE, "--hash-method must be SHA-224, SHA-256, SHA-384 or SHA-512"));
    ImageSigner signer = ImageSigner.fromPem(key);
    HashCode digest;
    try {
      digest = ImageDigester.create().digest(file, DigestPlan.of(ImmutableSet.of(hash))).whole(hash).orElseThrow();
    } catch (IOException e) {
      throw IoErrors.unreadable(file.toString(), e);
    }
    SignatureProperties p = signer.sign(digest, hash, certId);
    ObjectNode o = Output.object()
        .put("img_signature", p.signatureBase64())
        .put("img_signature_hash_method", hash.signatureName().orElseThrow())
        .put("img_signature_key_type", p.keyType().glanceName())
        .put("img_signature_certificate_uuid", p.certificateId());
    new Output(true).success(o, List.of());
    return 0;
  }
}
